package dev.kitty.engine.internal.watch;

import dev.kitty.api.ProcessView;
import dev.kitty.api.RunawayPolicy;
import dev.kitty.api.support.JsonText;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.launch.LaunchMembers;
import dev.kitty.engine.internal.launch.Launches;
import dev.kitty.engine.internal.registry.FamilySelector;
import dev.kitty.engine.internal.stack.Stacks;
import dev.kitty.engine.internal.state.LaunchRecord;
import dev.kitty.engine.internal.state.LaunchRegistry;
import dev.kitty.engine.internal.state.StackRecord;
import dev.kitty.engine.internal.state.StateStore;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.RunawayFinding;
import dev.kitty.engine.model.StopProgress;
import dev.kitty.engine.model.StopReport;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The runaway watchdog (ADR 19): counts the processes of each family's launches on record against
 * the family's {@link RunawayPolicy}, writes a diagnostic bundle when a limit is broken, and with
 * auto-clean has {@link Launches} stop the launches to blame. It reports, never guesses: processes
 * that claim a family without a recorded launch are listed, not stopped.
 */
public final class RunawayWatch {

  private final FamilySelector families;
  private final Platform platform;
  private final StateStore store;
  private final Launches launches;

  public RunawayWatch(
      FamilySelector families, Platform platform, StateStore store, Launches launches) {
    this.families = families;
    this.platform = platform;
    this.store = store;
    this.launches = launches;
  }

  /**
   * The runaway watchdog: for each named family with a policy, counts the processes of its launches
   * on record. When a limit is exceeded it writes a diagnostic bundle ({@code writeBundle}) and,
   * with {@code autoClean}, stops the launches that are to blame through the gate: leftovers of
   * launches kitty no longer means to run, then every launch whose own members break the policy.
   * Processes that claim the family but carry no recorded cookie are listed, never stopped.
   */
  public List<RunawayFinding> check(
      List<String> ids, boolean autoClean, boolean writeBundle, StopProgress progress) {
    LaunchRegistry registry = new LaunchRegistry(store);
    List<RunawayFinding> out = new ArrayList<>();
    List<ProcessView> claimed = null;
    for (FamilyInfo family : families.select(ids)) {
      RunawayPolicy policy = family.family().runawayPolicy();
      if (policy.equals(RunawayPolicy.NONE) || family.family().launchSpec().isEmpty()) {
        continue;
      }
      List<LaunchRecord> records = registry.all(family.id());
      Map<LaunchRecord, List<ProcessView>> byLaunch = new LinkedHashMap<>();
      Set<Long> attributed = new HashSet<>();
      for (LaunchRecord r : records) {
        List<ProcessView> m = LaunchMembers.find(platform.processes(), r);
        byLaunch.put(r, m);
        m.forEach(v -> attributed.add(v.pid()));
      }
      List<ProcessView> members = byLaunch.values().stream().flatMap(List::stream).toList();
      List<String> fired = fired(policy, members);
      if (fired.isEmpty()) {
        continue;
      }
      if (claimed == null) {
        claimed = claimedProcesses();
      }
      List<ProcessView> unattributed =
          claimed.stream()
              .filter(v -> family.id().equals(v.cookies().get("KITTY_FAMILY")))
              .filter(v -> !attributed.contains(v.pid()))
              .toList();
      String bundle = writeBundle ? bundle(family, policy, fired, byLaunch, unattributed) : null;
      StopReport cleaned = null;
      if (autoClean) {
        List<StopReport> parts = new ArrayList<>();
        for (var e : byLaunch.entrySet()) {
          LaunchRecord r = e.getKey();
          if (e.getValue().isEmpty()) {
            continue;
          }
          boolean leftovers = !r.meantToRun();
          boolean toBlame = !fired(policy, e.getValue()).isEmpty();
          if (leftovers || toBlame) {
            parts.add(
                launches.stopForRunaway(
                    family,
                    r,
                    progress,
                    leftovers ? "leftovers" : "runaway: " + fired(policy, e.getValue())));
          }
        }
        cleaned = launches.merge(parts);
      }
      out.add(
          new RunawayFinding(
              family.id(),
              fired,
              (int) members.stream().filter(v -> !v.shellWrapper()).count(),
              (int) members.stream().filter(ProcessView::shellWrapper).count(),
              members.stream().mapToLong(ProcessView::rssBytes).sum(),
              members,
              unattributed,
              bundle,
              cleaned));
    }
    for (FamilyInfo family : families.select(ids)) {
      if (family.id().equals(Stacks.FAMILY)) {
        for (StackRecord stack : StackRecord.all(store)) {
          checkStack(family, stack, registry, autoClean, writeBundle, progress).ifPresent(out::add);
        }
      }
    }
    return out;
  }

  /**
   * A dev stack's own limits: each service's {@code max_processes} and {@code max_rss_mb}, and the
   * stack's {@code limits}. With {@code enforce}, the services that break their own limit are
   * stopped through the gate; when only the stack's limit is broken, the service with the most
   * processes (or memory) is — the one that made the stack run away.
   */
  private java.util.Optional<RunawayFinding> checkStack(
      FamilyInfo family,
      StackRecord stack,
      LaunchRegistry registry,
      boolean enforce,
      boolean writeBundle,
      StopProgress progress) {
    Map<LaunchRecord, List<ProcessView>> byLaunch = new LinkedHashMap<>();
    List<String> fired = new ArrayList<>();
    List<LaunchRecord> toBlame = new ArrayList<>();
    for (StackRecord.Service s : stack.services()) {
      java.util.Optional<LaunchRecord> r = registry.read(family.id(), s.launch());
      if (r.isEmpty()) {
        continue;
      }
      List<ProcessView> m = LaunchMembers.find(platform.processes(), r.get());
      byLaunch.put(r.get(), m);
      List<String> own = limits("service " + s.name(), m, s.maxProcesses(), s.maxRssBytes());
      fired.addAll(own);
      if (!own.isEmpty()) {
        toBlame.add(r.get());
      }
      // The kernel enforces the limits of a contained service (ADR 30): what it did about them is
      // a finding too, for it is not in the process table any more — but one the kernel already
      // acted on, so nothing is stopped for it.
      r.get()
          .cell()
          .map(platform.containment()::usage)
          .flatMap(u -> oomKills(s.name(), u))
          .ifPresent(fired::add);
    }
    List<ProcessView> members = byLaunch.values().stream().flatMap(List::stream).toList();
    List<String> whole = limits("stack", members, stack.maxProcesses(), stack.maxRssBytes());
    fired.addAll(whole);
    if (fired.isEmpty()) {
      return java.util.Optional.empty();
    }
    if (toBlame.isEmpty() && !whole.isEmpty() && !byLaunch.isEmpty()) {
      boolean byCount = whole.stream().anyMatch(w -> w.contains("processes"));
      java.util.Comparator<Map.Entry<LaunchRecord, List<ProcessView>>> size =
          byCount
              ? java.util.Comparator.comparingInt(e -> e.getValue().size())
              : java.util.Comparator.comparingLong(
                  e -> e.getValue().stream().mapToLong(ProcessView::rssBytes).sum());
      toBlame.add(byLaunch.entrySet().stream().max(size).orElseThrow().getKey());
    }
    List<String> lines = fired.stream().map(f -> "stack " + stack.id() + " " + f).toList();
    String bundle =
        writeBundle ? bundle(family, RunawayPolicy.NONE, lines, byLaunch, List.of()) : null;
    StopReport cleaned = null;
    if (enforce) {
      List<StopReport> parts = new ArrayList<>();
      for (LaunchRecord r : toBlame) {
        parts.add(launches.stopForRunaway(family, r, progress, "limits: " + lines));
      }
      cleaned = launches.merge(parts);
    }
    return java.util.Optional.of(
        new RunawayFinding(
            family.id(),
            lines,
            (int) members.stream().filter(v -> !v.shellWrapper()).count(),
            (int) members.stream().filter(ProcessView::shellWrapper).count(),
            members.stream().mapToLong(ProcessView::rssBytes).sum(),
            members,
            List.of(),
            bundle,
            cleaned));
  }

  /** The kernel's OOM kills in a service's cgroup, as a finding line, if it made any. */
  static java.util.Optional<String> oomKills(String service, dev.kitty.engine.model.CgroupUsage u) {
    if (u.oomKills() <= 0) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        "service "
            + service
            + ": "
            + u.oomKills()
            + (u.oomKills() == 1 ? " process" : " processes")
            + " killed by the kernel for memory"
            + (u.maxMemoryBytes() > 0 ? " (memory.max " + u.maxMemoryBytes() + " bytes)" : ""));
  }

  /** What of {@code members} breaks {@code maxProcesses} / {@code maxRss} (0: no limit). */
  static List<String> limits(
      String what, List<ProcessView> members, int maxProcesses, long maxRss) {
    List<String> out = new ArrayList<>();
    long rss = members.stream().mapToLong(ProcessView::rssBytes).sum();
    if (maxProcesses > 0 && members.size() > maxProcesses) {
      out.add(what + ": " + members.size() + " processes > " + maxProcesses);
    }
    if (maxRss > 0 && rss > maxRss) {
      out.add(what + ": " + rss + " bytes RSS > " + maxRss);
    }
    return out;
  }

  /** Which limits {@code members} break, one line each. */
  static List<String> fired(RunawayPolicy policy, List<ProcessView> members) {
    List<String> out = new ArrayList<>();
    long wrappers = members.stream().filter(ProcessView::shellWrapper).count();
    long processes = members.size() - wrappers;
    long rss = members.stream().mapToLong(ProcessView::rssBytes).sum();
    if (processes > policy.maxProcesses()) {
      out.add(processes + " processes > " + policy.maxProcesses());
    }
    if (wrappers > policy.maxWrappers()) {
      out.add(wrappers + " shell wrappers > " + policy.maxWrappers());
    }
    if (rss > policy.maxRssBytes()) {
      out.add(rss + " bytes RSS > " + policy.maxRssBytes());
    }
    return out;
  }

  /** Every live process that names a family in {@code KITTY_FAMILY}. */
  private List<ProcessView> claimedProcesses() {
    return LaunchMembers.matching(
        platform.processes(), v -> v.cookies().containsKey("KITTY_FAMILY"));
  }

  private String bundle(
      FamilyInfo family,
      RunawayPolicy policy,
      List<String> fired,
      Map<LaunchRecord, List<ProcessView>> byLaunch,
      List<ProcessView> unattributed) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("schema_version", 1);
    doc.put("kind", "runaway");
    doc.put("family", family.id());
    doc.put("at", Instant.now().toString());
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("max_processes", policy.maxProcesses());
    p.put("max_wrappers", policy.maxWrappers());
    p.put("max_rss_bytes", policy.maxRssBytes());
    doc.put("policy", p);
    doc.put("fired", fired);
    List<Object> launches = new ArrayList<>();
    for (var e : byLaunch.entrySet()) {
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("name", e.getKey().name());
      l.put("launch_id", e.getKey().launchId());
      l.put("status", e.getKey().status());
      l.put("pid", e.getKey().pid());
      l.put("wrapper_pid", e.getKey().wrapperPid());
      l.put("port", e.getKey().port());
      l.put("processes", e.getValue().stream().map(RunawayWatch::processJson).toList());
      launches.add(l);
    }
    doc.put("launches", launches);
    doc.put("unattributed", unattributed.stream().map(RunawayWatch::processJson).toList());
    String stamp = Instant.now().toString().replace(":", "").replace(".", "-");
    Path file =
        store
            .dir()
            .resolve("diagnostics")
            .resolve("runaway-" + family.id() + "-" + stamp + ".json");
    store.writeAtomically(file, JsonText.write(doc) + "\n");
    return file.toString();
  }

  private static Map<String, Object> processJson(ProcessView v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pid", v.pid());
    m.put("ppid", v.ppid());
    m.put("pgid", v.pgid());
    m.put("sid", v.sid());
    m.put("start_time", v.startTime() == null ? null : v.startTime().toString());
    m.put("start_ticks", v.startTicks());
    m.put("rss_bytes", v.rssBytes());
    m.put("state", v.state());
    m.put("shell_wrapper", v.shellWrapper());
    m.put("command", v.command());
    m.put("args", v.args());
    m.put("cwd", v.cwd());
    return m;
  }
}
