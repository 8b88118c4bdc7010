package dev.kitty.shell.render;

import dev.kitty.api.LaunchSpec;
import dev.kitty.api.PortRange;
import dev.kitty.api.ProcessView;
import dev.kitty.api.RunawayPolicy;
import dev.kitty.api.StopStep;
import dev.kitty.engine.Kitty;
import dev.kitty.engine.model.Candidate;
import dev.kitty.engine.model.CgroupUsage;
import dev.kitty.engine.model.DoctorReport;
import dev.kitty.engine.model.EnsureReport;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.FamilyScan;
import dev.kitty.engine.model.GhostSocket;
import dev.kitty.engine.model.LaunchReport;
import dev.kitty.engine.model.LaunchStatus;
import dev.kitty.engine.model.OrphanCell;
import dev.kitty.engine.model.ProcessTreeReport;
import dev.kitty.engine.model.Rejection;
import dev.kitty.engine.model.RunawayFinding;
import dev.kitty.engine.model.ScanReport;
import dev.kitty.engine.model.StackReport;
import dev.kitty.engine.model.StateRecord;
import dev.kitty.engine.model.StopReport;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON documents of the contract, built field by field so that their shape is exactly the
 * contract's and never depends on a record's accessor names.
 *
 * <p>Stability: the documents are stable (contract); this class is experimental.
 */
public final class ReportJson {

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private static final Set<String> CANDIDATE_KEYS =
      Set.of(
          "daemon_family",
          "pid",
          "holder_pids",
          "port",
          "address",
          "process",
          "identity_source",
          "cleanup_class",
          "skip_reason",
          "recorded");

  private ReportJson() {}

  /** Serialises a document on one line. */
  public static String write(JsonNode node) {
    return MAPPER.writeValueAsString(node);
  }

  /** A new empty object. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Any plain value (maps, lists, strings, numbers) as a tree. */
  public static JsonNode value(Object value) {
    return MAPPER.valueToTree(value);
  }

  /** {@code {"from":…, "to":…}}. */
  public static ObjectNode range(PortRange r) {
    return object().put("from", r.from()).put("to", r.to());
  }

  /** The {@code kitty families} document. */
  public static ObjectNode families(Kitty kitty, boolean explain) {
    ObjectNode root = object();
    ArrayNode fams = root.putArray("families");
    for (FamilyInfo f : kitty.families()) {
      ObjectNode o = fams.addObject();
      o.put("id", f.id());
      o.put("description", f.family().description());
      o.set("port_range", range(f.range()));
      o.put("module", f.module());
      o.put("source", f.source());
      o.put("version", f.version());
      if (explain) {
        o.set("default_port_range", range(f.family().defaultRange()));
        o.set("stop_plan", stopPlan(f));
        RunawayPolicy rp = f.family().runawayPolicy();
        ObjectNode runaway = o.putObject("runaway_policy");
        limit(runaway, "max_processes", rp.maxProcesses(), RunawayPolicy.UNLIMITED);
        limit(runaway, "max_wrappers", rp.maxWrappers(), RunawayPolicy.UNLIMITED);
        limit(runaway, "max_rss_bytes", rp.maxRssBytes(), Long.MAX_VALUE);
        var launch = f.family().launchSpec();
        if (launch.isPresent()) {
          LaunchSpec ls = launch.get();
          ObjectNode l = o.putObject("launch");
          l.set("command", value(ls.command()));
          l.put("shell", ls.shell());
          l.put("health_path", ls.healthPath());
          l.put("start_timeout_ms", ls.startTimeout().toMillis());
        } else {
          o.putNull("launch");
        }
      }
    }
    root.set("rejected", rejections(kitty.rejected()));
    return root;
  }

  /** Refused jars and families, as {@code families} and {@code family verify} list them. */
  public static ArrayNode rejections(java.util.List<Rejection> rejected) {
    ArrayNode rej = MAPPER.createArrayNode();
    for (Rejection r : rejected) {
      rej.addObject().put("source", r.source()).put("id", r.id()).put("reason", r.reason());
    }
    return rej;
  }

  private static void limit(ObjectNode o, String key, long v, long unlimited) {
    if (v == unlimited) {
      o.putNull(key);
    } else {
      o.put(key, v);
    }
  }

  private static ArrayNode stopPlan(FamilyInfo f) {
    ArrayNode steps = MAPPER.createArrayNode();
    for (StopStep s : f.family().stopPlan().steps()) {
      ObjectNode o = steps.addObject();
      switch (s) {
        case StopStep.HttpShutdown h ->
            o.put("step", "http_shutdown")
                .put("path", h.path())
                .put("token", h.tokenSource().name().toLowerCase())
                .put("timeout_ms", h.timeout().toMillis());
        case StopStep.Signal sig ->
            o.put("step", "signal")
                .put("signal", sig.kind().name())
                .put("reach", sig.reach().name().toLowerCase())
                .put("grace_ms", sig.grace().toMillis());
        case StopStep.FreezeTree ft -> o.put("step", "freeze_tree");
        case StopStep.VerifyPortFree v ->
            o.put("step", "verify_port_free").put("deadline_ms", v.deadline().toMillis());
        case StopStep.VerifyNoMembers v ->
            o.put("step", "verify_no_members").put("deadline_ms", v.deadline().toMillis());
      }
    }
    return steps;
  }

  /** The {@code kitty scan} document. */
  public static ObjectNode scan(ScanReport report) {
    ObjectNode root = object();
    ArrayNode fams = root.putArray("families");
    for (FamilyScan fs : report.families()) {
      ObjectNode o = fams.addObject();
      o.put("id", fs.family().id());
      o.set("port_range", range(fs.family().range()));
      ArrayNode cs = o.putArray("candidates");
      fs.candidates().forEach(c -> cs.add(candidate(c)));
    }
    if (!report.warnings().isEmpty()) {
      root.set("warnings", value(report.warnings()));
    }
    return root;
  }

  /** One candidate, with the family's identity fields beside the contract's. */
  public static ObjectNode candidate(Candidate c) {
    ObjectNode o = object();
    o.put("daemon_family", c.daemonFamily());
    o.put("pid", c.pid());
    o.set("holder_pids", value(c.listener().holderPids()));
    o.put("port", c.port());
    o.put("address", c.listener().address());
    if (c.process() == null) {
      o.putNull("process");
    } else {
      o.set("process", process(c.process()));
    }
    o.put("identity_source", c.identity().source().jsonName());
    o.put("cleanup_class", c.identity().cleanupClass().jsonName());
    o.put("skip_reason", c.identity().skipReason());
    o.put("recorded", c.identity().recorded());
    for (Map.Entry<String, Object> e : c.identity().attributes().entrySet()) {
      if (!CANDIDATE_KEYS.contains(e.getKey())) {
        o.set(e.getKey(), value(e.getValue()));
      }
    }
    return o;
  }

  /** A process as the contract's {@code process} object. */
  public static ObjectNode process(ProcessView p) {
    ObjectNode o = object();
    o.put("pid", p.pid());
    o.put("command", p.command());
    o.set("args", value(p.args()));
    o.put("user", p.user());
    o.put("start_time", p.startTime() == null ? null : p.startTime().toString());
    o.put("ppid", p.ppid());
    o.put("pgid", p.pgid());
    o.put("sid", p.sid());
    o.put("executable", p.executable());
    o.put("cwd", p.cwd());
    o.put("rss_bytes", p.rssBytes());
    o.put("state", p.state());
    o.put("kitty_cookie", p.hasKittyCookie());
    return o;
  }

  /** The {@code kitty doctor} document: the scan's plus records, ghosts, runaway, remediation. */
  public static ObjectNode doctor(DoctorReport d) {
    ObjectNode root = scan(d.scan());
    ArrayNode records = root.putArray("records");
    for (StateRecord r : d.records()) {
      ObjectNode o = records.addObject().put("file", r.file());
      if (r.data() != null) {
        // A record keeps its daemon's shutdown token: never printed (the dashboard page shows
        // this document to anyone on loopback).
        java.util.Map<String, Object> shown = new java.util.LinkedHashMap<>(r.data());
        shown.computeIfPresent("token", (k, v) -> "<redacted>");
        o.set("data", value(shown));
      }
      if (r.error() != null) {
        o.put("error", r.error());
      }
    }
    ArrayNode ghosts = root.putArray("ghosts");
    d.ghosts().forEach(g -> ghost(ghosts, g));
    root.set("runaway", value(d.runaway()));
    root.set("remediation", value(d.remediation()));
    root.put("platform", d.platform());
    root.put("signaller", d.signaller());
    root.put("containment", d.containment());
    ArrayNode trees = root.putArray("trees");
    d.trees().forEach(t -> trees.add(tree(t)));
    root.set("launches", status(d.launches(), List.of()).get("launches"));
    ArrayNode orphans = root.putArray("orphan_cells");
    d.orphanCells().forEach(c -> orphanCell(orphans, c));
    root.put("needs_action", d.needsAction());
    return root;
  }

  /** The answer of {@code cleanup}, {@code doctor --reset} and {@code kill}. */
  public static ObjectNode stop(StopReport r) {
    ObjectNode root = object();
    ArrayNode swept = root.putArray("swept");
    for (StopReport.Entry e : r.swept()) {
      ObjectNode o = entry(swept, e);
      o.set("package_version", value(e.candidate().identity().attributes().get("package_version")));
      o.set(
          "protocol_version", value(e.candidate().identity().attributes().get("protocol_version")));
      o.put("cleanup_path", e.path());
      o.put("reason", e.reason());
    }
    ArrayNode skipped = root.putArray("skipped");
    r.skipped().forEach(e -> entry(skipped, e).put("skip_reason", e.reason()));
    ArrayNode failed = root.putArray("failed");
    r.failed().forEach(e -> entry(failed, e).put("reason", e.reason()));
    root.put("dry_run", r.dryRun());
    root.put("signaller", r.signaller());
    if (!r.cells().isEmpty()) {
      ArrayNode cells = root.putArray("cells");
      for (StopReport.CellOutcome c : r.cells()) {
        orphanCell(cells, c.cell()).put("outcome", c.outcome()).put("reason", c.reason());
      }
    }
    return root;
  }

  /**
   * A cgroup of kitty's that no running launch owns (ADR 31), as doctor and the stop report show
   * it.
   */
  private static ObjectNode orphanCell(ArrayNode array, OrphanCell c) {
    ObjectNode o = array.addObject();
    o.put("cgroup", c.cgroup());
    o.put("launch_id", c.launchId());
    o.put("daemon_family", c.family());
    o.put("cleanup_class", c.cleanupClass().jsonName());
    o.set("pids", value(c.pids()));
    o.put("why", c.reason());
    return o;
  }

  private static ObjectNode entry(ArrayNode array, StopReport.Entry e) {
    return array
        .addObject()
        .put("pid", e.candidate().pid())
        .put("port", e.candidate().port())
        .put("daemon_family", e.candidate().daemonFamily());
  }

  /** The {@code kitty sync ensure} document. */
  public static ObjectNode ensure(EnsureReport r) {
    ObjectNode root = object();
    root.put("daemon_family", r.family());
    root.put("pid", r.pid());
    root.put("port", r.port());
    root.put("reused", r.reused());
    root.put("launch_id", r.launchId());
    root.set("cleaned", stop(r.cleaned()));
    ArrayNode notes = root.putArray("notes");
    r.notes().forEach(notes::add);
    return root;
  }

  /** The {@code kitty start}, {@code restart} and {@code ensure FAMILY NAME} document. */
  public static ObjectNode launch(LaunchReport r) {
    ObjectNode root = object();
    root.put("daemon_family", r.family());
    root.put("name", r.name());
    root.put("pid", r.pid());
    root.put("wrapper_pid", r.wrapperPid() > 0 ? r.wrapperPid() : null);
    root.put("pgid", r.pgid());
    root.put("port", r.port());
    root.put("launch_id", r.launchId());
    root.put("reused", r.reused());
    root.put("attempts", r.attempts());
    root.set("stopped", stop(r.stopped()));
    ArrayNode notes = root.putArray("notes");
    r.notes().forEach(notes::add);
    return root;
  }

  /** The {@code kitty status} document: every launch on record and what is alive of it. */
  public static ObjectNode status(List<LaunchStatus> launches, List<String> warnings) {
    ObjectNode root = object();
    ArrayNode array = root.putArray("launches");
    for (LaunchStatus l : launches) {
      ObjectNode o = array.addObject();
      o.put("daemon_family", l.family());
      o.put("name", l.name());
      o.put("status", l.status());
      o.put("state", l.state());
      o.put("launch_id", l.launchId());
      o.put("pid", l.pid() > 0 ? l.pid() : null);
      o.put("wrapper_pid", l.wrapperPid() > 0 ? l.wrapperPid() : null);
      o.put("pgid", l.pgid() > 0 ? l.pgid() : null);
      o.put("sid", l.sid() > 0 ? l.sid() : null);
      o.put("port", l.port());
      o.put("listening", l.listening());
      o.put("started_at", l.startedAt());
      o.put("stopped_at", l.stoppedAt());
      o.put("restarts", l.restarts());
      o.put("error", l.error());
      o.set("command", value(l.command()));
      o.put("log", l.log());
      ArrayNode members = o.putArray("members");
      l.members().forEach(m -> members.add(process(m)));
      o.set("zombies", value(l.zombies()));
    }
    root.set("warnings", value(warnings));
    return root;
  }

  /** The {@code kitty up}, {@code down} and {@code ps} document. */
  public static ObjectNode stack(StackReport r) {
    ObjectNode root = object();
    root.put("stack", r.stack());
    root.put("file", r.file());
    ArrayNode services = root.putArray("services");
    for (StackReport.Service s : r.services()) {
      ObjectNode o = services.addObject();
      o.put("name", s.name());
      o.put("launch", s.launch());
      o.put("state", s.state());
      o.put("pid", s.pid() > 0 ? s.pid() : null);
      o.put("pgid", s.pgid() > 0 ? s.pgid() : null);
      o.put("port", s.port() > 0 ? s.port() : null);
      o.put("log", s.log());
      o.put("millis", s.millis());
      o.put("error", s.error());
      o.put("processes", s.members().size());
      o.put("rss_bytes", s.rssBytes());
      o.put("cpu_percent", Math.round(s.cpuPercent() * 10) / 10.0);
      o.set("cgroup", cgroupUsage(s.usage()));
      ArrayNode members = o.putArray("members");
      s.members().forEach(m -> members.add(process(m)));
    }
    ObjectNode totals = root.putObject("totals");
    totals.put("processes", r.processes());
    totals.put("rss_bytes", r.rssBytes());
    ArrayNode survivors = root.putArray("survivors");
    r.survivors().forEach(m -> survivors.add(process(m)));
    root.set("stopped", stop(r.stopped()));
    root.set("notes", value(r.notes()));
    return root;
  }

  /** What the kernel counts for a service's cgroup (null where it counts nothing; -1: unknown). */
  private static tools.jackson.databind.JsonNode cgroupUsage(CgroupUsage u) {
    if (u.equals(CgroupUsage.UNKNOWN)) {
      return tools.jackson.databind.node.NullNode.getInstance();
    }
    ObjectNode o = object();
    o.put("tasks", u.tasks() < 0 ? null : u.tasks());
    o.put("max_tasks", u.maxTasks() < 0 ? null : u.maxTasks());
    o.put("memory_bytes", u.memoryBytes() < 0 ? null : u.memoryBytes());
    o.put("max_memory_bytes", u.maxMemoryBytes() < 0 ? null : u.maxMemoryBytes());
    o.put("oom_kills", u.oomKills() < 0 ? null : u.oomKills());
    o.put("refused_forks", u.refusedForks() < 0 ? null : u.refusedForks());
    return o;
  }

  /** The {@code kitty watch} document: one finding per family whose launches broke its policy. */
  public static ObjectNode runaway(List<RunawayFinding> findings) {
    ObjectNode root = object();
    ArrayNode array = root.putArray("runaway");
    for (RunawayFinding f : findings) {
      ObjectNode o = array.addObject();
      o.put("daemon_family", f.family());
      o.set("fired", value(f.fired()));
      o.put("processes", f.processes());
      o.put("wrappers", f.wrappers());
      o.put("rss_bytes", f.rssBytes());
      o.put("bundle", f.bundle());
      ArrayNode members = o.putArray("members");
      f.members().forEach(m -> members.add(process(m)));
      ArrayNode unattributed = o.putArray("unattributed");
      f.unattributed().forEach(m -> unattributed.add(process(m)));
      o.set("cleaned", f.cleaned() == null ? null : stop(f.cleaned()));
    }
    return root;
  }

  /** The {@code kitty ghosts} document. */
  public static ObjectNode ghosts(List<GhostSocket> ghosts) {
    ObjectNode root = object();
    ArrayNode array = root.putArray("ghosts");
    ghosts.forEach(g -> ghost(array, g));
    return root;
  }

  private static void ghost(ArrayNode array, GhostSocket g) {
    array
        .addObject()
        .put("daemon_family", g.daemonFamily())
        .put("port", g.port())
        .put("address", g.address())
        .put("owner_pid", g.ownerPid())
        .put("reason", g.reason())
        .set("holder_pids", value(g.holderPids()));
  }

  /** The {@code kitty tree} document. */
  public static ObjectNode tree(ProcessTreeReport t) {
    ObjectNode root = object();
    root.put("pid", t.pid());
    ArrayNode nodes = root.putArray("nodes");
    for (ProcessTreeReport.Node n : t.nodes()) {
      ObjectNode o = process(n.process());
      o.put("depth", n.depth());
      o.put("target", n.target());
      o.set("ports", value(n.ports()));
      o.set("families", value(n.families()));
      o.set("cookies", value(n.process().cookies()));
      nodes.add(o);
    }
    return root;
  }
}
