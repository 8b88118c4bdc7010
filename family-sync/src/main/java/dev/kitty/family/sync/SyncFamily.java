package dev.kitty.family.sync;

import dev.kitty.api.Family;
import dev.kitty.api.FileEvidence;
import dev.kitty.api.HttpAnswer;
import dev.kitty.api.Identity;
import dev.kitty.api.IdentitySource;
import dev.kitty.api.LaunchSpec;
import dev.kitty.api.PortRange;
import dev.kitty.api.ProbeContext;
import dev.kitty.api.ProcessView;
import dev.kitty.api.StopPlan;
import dev.kitty.api.StopStep;
import dev.kitty.api.support.DaemonProof;
import dev.kitty.api.support.JsonFields;
import dev.kitty.api.support.JsonText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The user-scoped sync daemon, one singleton per scope on a port in [9400, 9450).
 *
 * <p>Identity follows the contract of ADR 14: the health payload names the daemon, but only the
 * daemon-local marker proves it. A daemon is {@code safe_auto} when its self-reported pid and port
 * are the real listener's, its root is this kitty's, it runs the production spawn shape, its marker
 * (0600, this user's) names the same pid, port, root and start time, and its health answer proves
 * it knows the marker's nonce — and it is not the live singleton on record. A version or protocol
 * mismatch with proven scope is stale evidence, never a reason to skip. Everything that looks like
 * a sync daemon but fails one of these is {@code operator_required} with the reason; everything
 * else is {@code never_touch}.
 */
public final class SyncFamily implements Family {

  static final PortRange RANGE = new PortRange(9400, 9450);

  /** The main class kitty launches: the production spawn shape of a kitty sync daemon. */
  static final String DAEMON_MAIN = "dev.kitty.family.sync/dev.kitty.family.sync.SyncDaemon";

  /** Tolerance between the start time in a marker and the one the process table reports. */
  @Override
  public String id() {
    return "sync";
  }

  @Override
  public String description() {
    return "the user-scoped sync daemon: one singleton per scope";
  }

  @Override
  public PortRange defaultRange() {
    return RANGE;
  }

  @Override
  public StopPlan stopPlan() {
    return StopPlan.httpFirst(
        StopStep.TokenSource.LAUNCH_RECORD,
        StopStep.Reach.PROCESS,
        Duration.ofSeconds(3),
        Duration.ofSeconds(2));
  }

  @Override
  public Optional<LaunchSpec> launchSpec() {
    // A small JVM: the daemon holds a queue and an HTTP server, nothing more.
    return Optional.of(
        new LaunchSpec(
            List.of(
                "{java}",
                "-Xmx48m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xss512k",
                "--module-path",
                "{module_path}",
                "-m",
                DAEMON_MAIN,
                "--port",
                "{port}",
                "--state-dir",
                "{state_dir}",
                "--record",
                "{record}"),
            false,
            "/api/health",
            Duration.ofSeconds(15)));
  }

  @Override
  public Identity identify(ProbeContext ctx) {
    Optional<ProcessView> process = ctx.process();
    if (process.isPresent() && SpecKittySyncProof.runsSpecKittyDaemon(process.get())) {
      // spec-kitty's own daemon, asked as spec-kitty asks it: a plain health request (ADR 26).
      return SpecKittySyncProof.identify(ctx, process.get(), ctx.httpGet("/api/health"));
    }
    String challenge = DaemonProof.randomHex(16);
    HttpAnswer health = ctx.httpGet("/api/health?" + DaemonProof.CHALLENGE + "=" + challenge);
    Map<String, Object> payload = health.json();
    if (health.okJson()
        && "sync".equals(JsonFields.string(payload, "daemon_family").orElse(null))) {
      return fromHealth(ctx, process, payload, challenge);
    }
    if (process.isPresent() && looksLikeSyncDaemon(process.get())) {
      Optional<Identity> recorded = silentSingleton(ctx, process.get(), health);
      if (recorded.isPresent()) {
        return recorded.get();
      }
      return Identity.operatorRequired(
          IdentitySource.PROCESS_SHAPE,
          "has a sync daemon's command line but its health endpoint did not identify it ("
              + reason(health)
              + ")",
          shapeAttributes(process.get()));
    }
    return Identity.neverTouch("not a sync daemon: " + reason(health));
  }

  private static Identity fromHealth(
      ProbeContext ctx,
      Optional<ProcessView> process,
      Map<String, Object> payload,
      String challenge) {
    Map<String, Object> owner = JsonFields.object(payload, "owner").orElse(null);
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("protocol_version", JsonFields.scalar(payload, "protocol_version"));
    attrs.put("package_version", field(payload, owner, "package_version"));
    String scope = JsonFields.string(payload, "singleton_scope_id").orElse(null);
    String root = JsonFields.string(payload, "daemon_root").orElse(scope);
    attrs.put(Identity.SCOPE, scope);
    attrs.put("daemon_root", root);
    attrs.put("queue_db_path", field(payload, owner, "queue_db_path"));
    attrs.put("auth_scope", field(payload, owner, "auth_scope"));
    attrs.put("server_url", field(payload, owner, "server_url"));
    attrs.put("intent", JsonFields.scalar(payload, "intent"));
    attrs.put("in_flight", JsonFields.scalar(payload, "in_flight"));
    attrs.put("started_at", field(payload, owner, "started_at"));
    attrs.put("owner_present", owner != null);
    attrs.put(
        "executable",
        Optional.ofNullable(field(payload, owner, "executable_path"))
            .orElse(process.map(ProcessView::executable).orElse(null)));
    attrs.put("spawn_shape", process.map(SyncFamily::spawnShape).orElse("unknown"));
    attrs.put("marker", null);

    Long reportedPid =
        JsonFields.integer(payload, "pid").or(() -> JsonFields.integer(owner, "pid")).orElse(null);
    Long reportedPort =
        JsonFields.integer(payload, "port")
            .or(() -> JsonFields.integer(owner, "port"))
            .orElse(null);
    long realPort = ctx.listener().port();
    if (process.isEmpty()) {
      return Identity.operatorRequired(
          IdentitySource.HEALTH, "sync daemon whose process is not visible", attrs);
    }
    ProcessView p = process.get();
    if (reportedPid == null || reportedPort == null) {
      return Identity.operatorRequired(
          IdentitySource.HEALTH, "health payload reports no pid or port", attrs);
    }
    Optional<String> elsewhere =
        DaemonProof.healthNotTheListener(ctx, p, reportedPid, reportedPort);
    if (elsewhere.isPresent()) {
      return Identity.operatorRequired(IdentitySource.HEALTH, elsewhere.get(), attrs);
    }
    Path ours = SyncContract.daemonRoot(Path.of(ctx.stateDir()));
    if (root == null) {
      return Identity.operatorRequired(
          IdentitySource.HEALTH, "health payload names no daemon root", attrs);
    }
    if (!sameRoot(root, ours)) {
      return Identity.operatorRequired(
          IdentitySource.HEALTH,
          "cross-root: its daemon root is "
              + root
              + ", this kitty's is "
              + ours
              + " (another $HOME or state dir)",
          attrs);
    }
    if (!"production".equals(attrs.get("spawn_shape"))) {
      return Identity.operatorRequired(
          IdentitySource.HEALTH,
          "its command line is not the production spawn shape of a sync daemon",
          attrs);
    }
    Path markerPath = SyncContract.markerFile(ours, p.pid());
    attrs.put("marker", markerPath.toString());
    Optional<String> markerProblem =
        markerProblem(ctx, p, ctx.listener().port(), ours, markerPath, payload, challenge);
    if (markerProblem.isPresent()) {
      return Identity.operatorRequired(IdentitySource.HEALTH, markerProblem.get(), attrs);
    }
    // Scope positively proven: root, marker, pid, port and start time agree.
    String current = SyncContract.currentPackageVersion();
    Object version = attrs.get("package_version");
    Object protocol = attrs.get("protocol_version");
    String stale = null;
    if (!current.equals(version)) {
      stale = "package_version " + version + ", current " + current;
    } else if (!(protocol instanceof Number n) || n.intValue() != SyncContract.PROTOCOL_VERSION) {
      stale = "protocol_version " + protocol + ", current " + SyncContract.PROTOCOL_VERSION;
    }
    FileEvidence recordFile = ctx.singletonRecord();
    if (recordFile.text() == null && !recordFile.absent()) {
      return Identity.operatorRequired(
          IdentitySource.MARKER,
          "singleton record "
              + recordFile.path()
              + " cannot be read ("
              + recordFile.error()
              + "): which daemon is live is unknown",
          attrs);
    }
    boolean recorded = false;
    if (recordFile.text() != null) {
      Map<String, Object> rec;
      try {
        rec = JsonText.parseObject(recordFile.text());
      } catch (IllegalArgumentException e) {
        return Identity.operatorRequired(
            IdentitySource.MARKER,
            "singleton record "
                + recordFile.path()
                + " is corrupt ("
                + e.getMessage()
                + "): which daemon is live is unknown",
            attrs);
      }
      attrs.put(Identity.RECORDED_PID, rec.get("pid"));
      recorded =
          rec.get("pid") instanceof Long rp
              && rp == p.pid()
              && rec.get("port") instanceof Long rq
              && rq == realPort
              && rec.get("start_ticks") instanceof Long rs
              && rs == p.startTicks();
    }
    if (recorded && stale == null) {
      attrs.put("stale", null);
      return Identity.recordedLive(
          IdentitySource.MARKER, "the recorded singleton of " + ours, attrs);
    }
    attrs.put(
        "stale",
        recorded
            ? "the recorded singleton, but "
                + stale
                + " (ADR 14: stale, replaced by the next ensure)"
            : "not the recorded singleton of " + ours + (stale == null ? "" : "; " + stale));
    return Identity.safeAuto(IdentitySource.MARKER, attrs);
  }

  /**
   * A sync daemon that did not answer health but that the singleton record names (pid, port and
   * start stamp) and whose marker proves the process: still the live singleton. A slow singleton is
   * the singleton; silence never makes a recorded daemon stale (ADR 14 addendum), so {@code ensure}
   * reuses it rather than starting a second one.
   */
  private static Optional<Identity> silentSingleton(
      ProbeContext ctx, ProcessView p, HttpAnswer health) {
    FileEvidence recordFile = ctx.singletonRecord();
    if (recordFile.text() == null) {
      return Optional.empty();
    }
    Map<String, Object> rec;
    try {
      rec = JsonText.parseObject(recordFile.text());
    } catch (IllegalArgumentException corrupt) {
      return Optional.empty();
    }
    long port = ctx.listener().port();
    boolean named =
        rec.get("pid") instanceof Long rp
            && rp == p.pid()
            && rec.get("port") instanceof Long rq
            && rq == port
            && rec.get("start_ticks") instanceof Long rs
            && rs == p.startTicks();
    if (!named) {
      return Optional.empty();
    }
    Path root = SyncContract.daemonRoot(Path.of(ctx.stateDir()));
    Path markerPath = SyncContract.markerFile(root, p.pid());
    try {
      if (DaemonProof.readMarker(ctx, markerPath.toString(), p, (int) port) == null) {
        return Optional.empty();
      }
    } catch (IllegalArgumentException unproven) {
      return Optional.empty();
    }
    Map<String, Object> attrs = shapeAttributes(p);
    attrs.put(Identity.SCOPE, root.toString());
    attrs.put("daemon_root", root.toString());
    attrs.put("marker", markerPath.toString());
    attrs.put(Identity.RECORDED_PID, p.pid());
    attrs.put(Identity.HEALTH, reason(health));
    return Optional.of(
        Identity.recordedLive(
            IdentitySource.MARKER,
            "the recorded singleton of "
                + root
                + " (it did not answer health: "
                + reason(health)
                + ")",
            attrs));
  }

  /** Why the marker does not prove this daemon, if it does not. */
  private static Optional<String> markerProblem(
      ProbeContext ctx,
      ProcessView p,
      int port,
      Path root,
      Path markerPath,
      Map<String, Object> payload,
      String challenge) {
    SyncMarker m;
    try {
      Map<String, Object> fields = DaemonProof.readMarker(ctx, markerPath.toString(), p, port);
      if (fields == null) {
        return Optional.of("pre-marker: no daemon-local identity marker at " + markerPath);
      }
      m = SyncMarker.of(fields);
    } catch (IllegalArgumentException unproven) {
      return Optional.of(unproven.getMessage());
    }
    if (!sameRoot(m.daemonRoot(), root)) {
      return Optional.of(
          "marker " + markerPath + " names root " + m.daemonRoot() + ", not " + root);
    }
    if (!DaemonProof.answers(payload, "marker_proof", m.nonce(), challenge)) {
      return Optional.of(
          "its health answer does not prove knowledge of the nonce in marker " + markerPath);
    }
    return Optional.empty();
  }

  private static boolean sameRoot(String claimed, Path ours) {
    try {
      return Path.of(claimed).normalize().equals(ours);
    } catch (java.nio.file.InvalidPathException notAPath) {
      return false;
    }
  }

  private static Object field(Map<String, Object> payload, Map<String, Object> owner, String key) {
    Object top = JsonFields.scalar(payload, key);
    return top != null ? top : JsonFields.scalar(owner, key);
  }

  static boolean looksLikeSyncDaemon(ProcessView p) {
    String line = p.commandLine();
    return line.contains("run_sync_daemon")
        || line.contains("--spec-kitty-daemon-root")
        || line.contains(DAEMON_MAIN);
  }

  private static String spawnShape(ProcessView p) {
    return looksLikeSyncDaemon(p) ? "production" : "unrecognised";
  }

  private static Map<String, Object> shapeAttributes(ProcessView p) {
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("owner_present", false);
    attrs.put("executable", p.executable());
    attrs.put("spawn_shape", spawnShape(p));
    return attrs;
  }

  private static String reason(HttpAnswer health) {
    if (health.error() != null) {
      return "health: " + health.error();
    }
    if (!health.okJson()) {
      return "health answered HTTP " + health.status() + " without a JSON object";
    }
    return "health payload has no daemon_family \"sync\"";
  }
}
