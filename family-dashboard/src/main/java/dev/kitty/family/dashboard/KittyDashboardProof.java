package dev.kitty.family.dashboard;

import dev.kitty.api.FileEvidence;
import dev.kitty.api.HttpAnswer;
import dev.kitty.api.Identity;
import dev.kitty.api.IdentitySource;
import dev.kitty.api.ProbeContext;
import dev.kitty.api.ProcessView;
import dev.kitty.api.support.DaemonProof;
import dev.kitty.api.support.JsonFields;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Identity of kitty's own dashboards (ADR 18): the marker the daemon wrote under the state dir
 * (pid, port, start time, project, nonce) proves the process; the health answer's proofs of the
 * nonce and of the token show that the process answering is that one and which project's token it
 * holds; the project's {@code .kittify/.dashboard} naming its pid and port makes it the project's
 * live dashboard. A proven dashboard nothing names — its project's file names another, or the
 * project is gone — is an orphan: {@code safe_auto}. A proven dashboard that does not answer health
 * is judged by the same records: silence never makes the live one stale (ADR 18 addendum).
 */
final class KittyDashboardProof {

  private KittyDashboardProof() {}

  /**
   * @param payload the health answer
   * @param challenge the challenge {@code payload} answered, or null when it was asked plainly
   */
  static Identity identify(
      ProbeContext ctx, ProcessView p, Map<String, Object> payload, String challenge) {
    String project = JsonFields.string(payload, "project_path").orElse(null);
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put(Identity.PROJECT_DIR, project);
    attrs.put(Identity.SCOPE, project);
    attrs.put(Identity.METADATA_FILE, project == null ? null : project + "/.kittify/.dashboard");
    attrs.put("package_version", JsonFields.scalar(payload, "package_version"));
    attrs.put("protocol_version", JsonFields.scalar(payload, "protocol_version"));
    attrs.put("intent", JsonFields.scalar(payload, "intent"));
    int port = ctx.listener().port();
    Long reportedPid = JsonFields.integer(payload, "pid").orElse(null);
    Long reportedPort = JsonFields.integer(payload, "port").orElse(null);
    if (project == null || reportedPid == null || reportedPort == null) {
      return Identity.operatorRequired(
          IdentitySource.HEALTH, "dashboard health names no project, pid or port", attrs);
    }
    Optional<String> elsewhere =
        DaemonProof.healthNotTheListener(ctx, p, reportedPid, reportedPort);
    if (elsewhere.isPresent()) {
      return Identity.operatorRequired(IdentitySource.HEALTH, elsewhere.get(), attrs);
    }
    Map<String, Object> marker;
    try {
      marker = marker(ctx, p, port);
    } catch (IllegalArgumentException unproven) {
      return Identity.operatorRequired(IdentitySource.HEALTH, unproven.getMessage(), attrs);
    }
    attrs.put("marker", DashboardDaemon.markerFile(Path.of(ctx.stateDir()), p.pid()).toString());
    Map<String, Object> proofs = payload;
    if (challenge == null) {
      challenge = DaemonProof.randomHex(16);
      HttpAnswer asked = ctx.httpGet("/api/health?" + DaemonProof.CHALLENGE + "=" + challenge);
      proofs = asked.okJson() ? asked.json() : Map.of();
    }
    if (!DaemonProof.answers(proofs, "marker_proof", (String) marker.get("nonce"), challenge)) {
      return Identity.operatorRequired(
          IdentitySource.HEALTH,
          "its health answer does not prove knowledge of the nonce in its marker",
          attrs);
    }
    if (!project.equals(marker.get("project_dir"))) {
      return Identity.operatorRequired(
          IdentitySource.MARKER,
          "health names project " + project + ", its marker " + marker.get("project_dir"),
          attrs);
    }
    // Proven. Now: is it the project's live dashboard, or an orphan?
    Map<String, Object> finalProofs = proofs;
    String finalChallenge = challenge;
    return byRecords(
        ctx,
        p,
        port,
        project,
        attrs,
        meta ->
            DaemonProof.answers(finalProofs, "token_proof", meta.token(), finalChallenge)
                ? Identity.recordedLive(
                    IdentitySource.METADATA_FILE,
                    "the live dashboard on record for " + project,
                    attrs)
                : Identity.operatorRequired(
                    IdentitySource.MARKER,
                    "its project's metadata names it, but it does not hold the token there",
                    attrs));
  }

  /**
   * What the records say of a dashboard whose identity is proven (ADR 18 addendum): staleness comes
   * only from them — its project gone, or its project's metadata file naming another daemon or none
   * — and never from how it answers. A dashboard its project's metadata names is the live one
   * ({@code named} decides how sure), whatever its health.
   */
  private static Identity byRecords(
      ProbeContext ctx,
      ProcessView p,
      int port,
      String project,
      Map<String, Object> attrs,
      java.util.function.Function<DashboardMetadata, Identity> named) {
    attrs.put(Identity.METADATA_FILE, project + "/.kittify/.dashboard");
    if (SpecKittyDashboardProof.projectGone(ctx, project)) {
      attrs.put("stale", "its project " + project + " is gone");
      return Identity.safeAuto(IdentitySource.MARKER, attrs);
    }
    FileEvidence file = ctx.readFile(project + "/.kittify/.dashboard");
    if (file.text() == null && !file.absent()) {
      return Identity.operatorRequired(
          IdentitySource.MARKER,
          "metadata file "
              + file.path()
              + " cannot be read ("
              + file.error()
              + "): which dashboard is live is unknown",
          attrs);
    }
    if (file.text() != null
        && (file.worldWritable()
            || (file.ownerUid() >= 0 && file.ownerUid() != ctx.currentUid()))) {
      return Identity.operatorRequired(
          IdentitySource.MARKER,
          "metadata file "
              + file.path()
              + " is world-writable or another user's: not evidence of which dashboard is live",
          attrs);
    }
    DashboardMetadata meta = null;
    if (file.text() != null) {
      try {
        meta = DashboardMetadata.parse(file.text());
      } catch (IllegalArgumentException malformed) {
        return Identity.operatorRequired(
            IdentitySource.MARKER,
            "metadata file "
                + file.path()
                + " is malformed ("
                + malformed.getMessage()
                + "): which dashboard is live is unknown",
            attrs);
      }
      attrs.put(Identity.RECORDED_PID, meta.pid());
    }
    if (meta != null && meta.port() == port && meta.pid() != null && meta.pid() == p.pid()) {
      return named.apply(meta);
    }
    attrs.put(
        "stale",
        "orphan: "
            + (meta == null
                ? "no metadata file in " + project
                : "its project's metadata names "
                    + (meta.pid() == null ? "no pid" : "pid " + meta.pid())
                    + " port "
                    + meta.port()));
    return Identity.safeAuto(IdentitySource.MARKER, attrs);
  }

  /**
   * A kitty dashboard that does not answer health: proven by its marker alone (pid, port and start
   * time), then judged by its project's records; empty when the process is not one.
   */
  static Optional<Identity> unhealthy(ProbeContext ctx, ProcessView p, HttpAnswer health) {
    if (!p.commandLine().contains(DashboardFamily.DAEMON_MAIN)) {
      return Optional.empty();
    }
    Map<String, Object> attrs = new LinkedHashMap<>();
    Map<String, Object> marker;
    try {
      marker = marker(ctx, p, ctx.listener().port());
    } catch (IllegalArgumentException unproven) {
      return Optional.of(
          Identity.operatorRequired(
              IdentitySource.PROCESS_SHAPE,
              "a kitty dashboard that does not answer health ("
                  + (health.error() != null ? health.error() : "HTTP " + health.status())
                  + ") and "
                  + unproven.getMessage(),
              attrs));
    }
    String project = String.valueOf(marker.get("project_dir"));
    String silence = health.error() != null ? health.error() : "HTTP " + health.status();
    attrs.put(Identity.PROJECT_DIR, project);
    attrs.put(Identity.SCOPE, project);
    attrs.put(Identity.HEALTH, silence);
    // Silence is never evidence of staleness (ADR 18 addendum): a slow or stalled dashboard its
    // project names is still the live one; the records alone can make it an orphan.
    return Optional.of(
        byRecords(
            ctx,
            p,
            ctx.listener().port(),
            project,
            attrs,
            meta ->
                Identity.recordedLive(
                    IdentitySource.MARKER,
                    "the live dashboard on record for "
                        + project
                        + " (it did not answer health: "
                        + silence
                        + ")",
                    attrs)));
  }

  /** The daemon's marker, checked against the real process; throws with the reason. */
  private static Map<String, Object> marker(ProbeContext ctx, ProcessView p, int port) {
    Path path = DashboardDaemon.markerFile(Path.of(ctx.stateDir()), p.pid());
    Map<String, Object> m = DaemonProof.readMarker(ctx, path.toString(), p, port);
    if (m == null) {
      throw new IllegalArgumentException(
          "no marker at " + path + " (started by another kitty state dir, or not by kitty)");
    }
    return m;
  }
}
