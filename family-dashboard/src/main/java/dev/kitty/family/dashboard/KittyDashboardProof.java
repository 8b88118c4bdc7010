package dev.kitty.family.dashboard;

import dev.kitty.api.DaemonProof;
import dev.kitty.api.FileEvidence;
import dev.kitty.api.HttpAnswer;
import dev.kitty.api.Identity;
import dev.kitty.api.IdentitySource;
import dev.kitty.api.JsonFields;
import dev.kitty.api.ProbeContext;
import dev.kitty.api.ProcessView;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
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
 * project is gone — is an orphan: {@code safe_auto}. A proven dashboard that no longer answers
 * health is stale too.
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
    attrs.put("project_dir", project);
    attrs.put("singleton_scope_id", project);
    attrs.put("metadata_file", project == null ? null : project + "/.kittify/.dashboard");
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
    if (!ctx.listener().holderPids().contains(reportedPid) || reportedPort != port) {
      return Identity.operatorRequired(
          IdentitySource.HEALTH,
          "health reports pid "
              + reportedPid
              + " port "
              + reportedPort
              + " but the listener is pid "
              + p.pid()
              + " port "
              + port,
          attrs);
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
    if (!isDirectory(project)) {
      attrs.put("stale", "its project " + project + " is gone");
      return Identity.safeAuto(IdentitySource.MARKER, attrs);
    }
    FileEvidence file = ctx.readFile(project + "/.kittify/.dashboard");
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
      attrs.put("recorded_pid", meta.pid());
    }
    boolean named =
        meta != null && meta.port() == port && meta.pid() != null && meta.pid() == p.pid();
    if (!named) {
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
    if (!DaemonProof.answers(proofs, "token_proof", meta.token(), challenge)) {
      return Identity.operatorRequired(
          IdentitySource.MARKER,
          "its project's metadata names it, but it does not hold the token there",
          attrs);
    }
    return Identity.recordedLive(
        IdentitySource.METADATA_FILE, "the live dashboard on record for " + project, attrs);
  }

  /**
   * A kitty dashboard that does not answer health: proven by its marker alone (pid, port and start
   * time), and stale; empty when the process is not one.
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
    attrs.put("project_dir", marker.get("project_dir"));
    attrs.put("singleton_scope_id", marker.get("project_dir"));
    attrs.put(
        "stale",
        "unhealthy: " + (health.error() != null ? health.error() : "HTTP " + health.status()));
    return Optional.of(Identity.safeAuto(IdentitySource.MARKER, attrs));
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

  private static boolean isDirectory(String dir) {
    try {
      return Files.isDirectory(Path.of(dir));
    } catch (InvalidPathException e) {
      return false;
    }
  }
}
