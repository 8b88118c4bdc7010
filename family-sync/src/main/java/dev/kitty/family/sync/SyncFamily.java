package dev.kitty.family.sync;

import dev.kitty.api.Family;
import dev.kitty.api.HttpAnswer;
import dev.kitty.api.Identity;
import dev.kitty.api.IdentitySource;
import dev.kitty.api.JsonFields;
import dev.kitty.api.PortRange;
import dev.kitty.api.ProbeContext;
import dev.kitty.api.ProcessView;
import dev.kitty.api.StopPlan;
import dev.kitty.api.StopStep;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The user-scoped sync daemon (seed 001), one singleton per scope on a port in [9400, 9450).
 *
 * <p>Identity, in this first probe: the daemon's {@code /api/health} payload (FR-001's fields) and
 * its process shape. The health payload alone is never kill authority (FR-003): without the
 * daemon-local identity marker a sync daemon is at most {@code operator_required}. The marker, the
 * singleton record and the daemon itself come with the sync family's own issue.
 */
public final class SyncFamily implements Family {

  static final PortRange RANGE = new PortRange(9400, 9450);

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
    return new StopPlan(
        List.of(
            new StopStep.HttpShutdown("/api/shutdown", StopStep.TokenSource.LAUNCH_RECORD, Duration.ofSeconds(2)),
            new StopStep.Signal(StopStep.SignalKind.TERM, StopStep.Reach.PROCESS, Duration.ofSeconds(3)),
            new StopStep.Signal(StopStep.SignalKind.KILL, StopStep.Reach.PROCESS, Duration.ofSeconds(2)),
            new StopStep.VerifyPortFree(Duration.ofSeconds(2))));
  }

  @Override
  public Identity identify(ProbeContext ctx) {
    Optional<ProcessView> process = ctx.process();
    HttpAnswer health = ctx.httpGet("/api/health");
    Map<String, Object> payload = health.json();
    if (health.okJson() && "sync".equals(JsonFields.string(payload, "daemon_family").orElse(null))) {
      return fromHealth(ctx, process, payload);
    }
    if (process.isPresent() && looksLikeSyncDaemon(process.get())) {
      return Identity.operatorRequired(
          IdentitySource.PROCESS_SHAPE,
          "has a sync daemon's command line but its health endpoint did not identify it ("
              + reason(health)
              + ")",
          shapeAttributes(process.get()));
    }
    return Identity.neverTouch("not a sync daemon: " + reason(health));
  }

  private static Identity fromHealth(ProbeContext ctx, Optional<ProcessView> process, Map<String, Object> payload) {
    Map<String, Object> owner = JsonFields.object(payload, "owner").orElse(null);
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("protocol_version", JsonFields.scalar(payload, "protocol_version"));
    attrs.put("package_version", JsonFields.scalar(payload, "package_version"));
    String scope = JsonFields.string(payload, "singleton_scope_id").orElse(null);
    attrs.put("singleton_scope_id", scope);
    attrs.put("daemon_root", JsonFields.string(payload, "daemon_root").orElse(scope));
    attrs.put("queue_db_path", field(payload, owner, "queue_db_path"));
    attrs.put("auth_scope", field(payload, owner, "auth_scope"));
    attrs.put("server_url", field(payload, owner, "server_url"));
    attrs.put("owner_present", owner != null);
    attrs.put(
        "executable",
        Optional.ofNullable(field(payload, owner, "executable_path"))
            .orElse(process.map(ProcessView::executable).orElse(null)));
    attrs.put("spawn_shape", process.map(SyncFamily::spawnShape).orElse("unknown"));

    Long reportedPid = JsonFields.integer(payload, "pid").or(() -> JsonFields.integer(owner, "pid")).orElse(null);
    Long reportedPort = JsonFields.integer(payload, "port").or(() -> JsonFields.integer(owner, "port")).orElse(null);
    long realPort = ctx.listener().port();
    if (process.isEmpty()) {
      return Identity.operatorRequired(IdentitySource.HEALTH, "sync daemon whose process is not visible", attrs);
    }
    long realPid = process.get().pid();
    boolean pidMatches = reportedPid != null && ctx.listener().holderPids().contains(reportedPid);
    if (reportedPid == null || reportedPort == null) {
      return Identity.operatorRequired(IdentitySource.HEALTH, "health payload reports no pid or port", attrs);
    }
    if (!pidMatches || reportedPort != realPort) {
      return Identity.operatorRequired(
          IdentitySource.HEALTH,
          "health payload reports pid " + reportedPid + " port " + reportedPort
              + " but the listener is pid " + realPid + " port " + realPort,
          attrs);
    }
    return Identity.operatorRequired(
        IdentitySource.HEALTH,
        "no daemon-local identity marker: the shared health payload alone is not kill authority",
        attrs);
  }

  private static Object field(Map<String, Object> payload, Map<String, Object> owner, String key) {
    Object top = JsonFields.scalar(payload, key);
    return top != null ? top : JsonFields.scalar(owner, key);
  }

  static boolean looksLikeSyncDaemon(ProcessView p) {
    String line = p.commandLine();
    return line.contains("run_sync_daemon") || line.contains("--spec-kitty-daemon-root") || line.contains("dev.kitty.family.sync");
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
