package dev.kitty.family.dashboard;

import dev.kitty.api.FileEvidence;
import dev.kitty.api.HttpAnswer;
import dev.kitty.api.Identity;
import dev.kitty.api.IdentitySource;
import dev.kitty.api.ProbeContext;
import dev.kitty.api.ProcessView;
import dev.kitty.api.support.JsonFields;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Identity of spec-kitty's own dashboards (ADR 26), as spec-kitty starts them: {@code python -c '…
 * run_dashboard_server(Path('PROJECT'), PORT, 'TOKEN')'} in a session of its own, writing {@code
 * PROJECT/.kittify/.dashboard} (url, port, token, pid) only once it answered health, and never
 * removing it itself.
 *
 * <p>A spec-kitty dashboard is <em>proven</em> when its command line, its health answer ({@code
 * project_path}, {@code token}) and the real listener agree: the project and token of the call are
 * the answer's, the call's port is the listener's, and the process holds it. Then the records
 * decide: the project gone is an orphan ("project deleted"); the project's metadata naming another
 * daemon makes it one ("superseded"); naming this pid, port and token makes it the live one; no
 * metadata at all is for the operator (spec-kitty may be between health and writing it). Anything
 * not proven — silent, answers that disagree with its command line, a look-alike — is never {@code
 * safe_auto}.
 */
final class SpecKittyDashboardProof {

  private SpecKittyDashboardProof() {}

  private static final Pattern CALL =
      Pattern.compile(
          "run_dashboard_server\\(\\s*Path\\(\\s*(['\"])((?:\\\\.|(?!\\1).)*)\\1\\s*\\)\\s*,\\s*"
              + "(\\d+)\\s*,\\s*(['\"])([0-9A-Za-z_-]*)\\4\\s*\\)");

  /** The project, port and token a dashboard's command line names. */
  record Call(String project, int port, String token) {}

  /** Whether {@code p} runs spec-kitty's dashboard server. */
  static boolean runsSpecKittyDashboard(ProcessView p) {
    return p.commandLine().contains("run_dashboard_server");
  }

  static Optional<Call> call(ProcessView p) {
    for (String a : p.args()) {
      Matcher m = CALL.matcher(a);
      if (m.find()) {
        try {
          return Optional.of(
              new Call(unescape(m.group(2)), Integer.parseInt(m.group(3)), m.group(5)));
        } catch (NumberFormatException tooLong) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /** A Python string literal's body: backslash escapes of quotes and backslashes. */
  private static String unescape(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        out.append(s.charAt(++i));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  static Identity identify(ProbeContext ctx, ProcessView p, HttpAnswer health) {
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("spawn_shape", "spec-kitty");
    Optional<Call> call = call(p);
    if (call.isEmpty()) {
      return Identity.operatorRequired(
          IdentitySource.PROCESS_SHAPE,
          "a spec-kitty dashboard command line without run_dashboard_server(Path(…), PORT, 'TOKEN')",
          attrs);
    }
    String project = call.get().project();
    int port = ctx.listener().port();
    attrs.put(Identity.PROJECT_DIR, project);
    attrs.put(Identity.SCOPE, project);
    attrs.put(Identity.METADATA_FILE, project + "/.kittify/.dashboard");
    Optional<String> elsewhere =
        dev.kitty.api.support.DaemonProof.notTheListener(ctx, p, call.get().port());
    if (elsewhere.isPresent()) {
      return Identity.operatorRequired(IdentitySource.PROCESS_SHAPE, elsewhere.get(), attrs);
    }
    if (!health.okJson()) {
      String why = health.error() != null ? health.error() : "HTTP " + health.status();
      attrs.put(Identity.HEALTH, why);
      Optional<DashboardMetadata> meta = trustedMetadata(ctx, p, project);
      if (meta.isPresent() && names(meta.get(), p, port, call.get().token())) {
        return Identity.recordedLive(
            IdentitySource.METADATA_FILE,
            "the live spec-kitty dashboard of "
                + project
                + " (it did not answer health: "
                + why
                + ")",
            attrs);
      }
      return Identity.operatorRequired(
          IdentitySource.PROCESS_SHAPE,
          "a spec-kitty dashboard that did not answer health (" + why + ")",
          attrs);
    }
    String answeredProject = JsonFields.string(health.json(), "project_path").orElse(null);
    String answeredToken = JsonFields.string(health.json(), "token").orElse(null);
    if (answeredProject == null || !samePath(answeredProject, project)) {
      return Identity.operatorRequired(
          IdentitySource.HEALTH,
          "its health answer names project "
              + answeredProject
              + ", its command line "
              + project
              + ": a look-alike",
          attrs);
    }
    if (answeredToken == null
        || !dev.kitty.api.support.DaemonProof.proofMatches(call.get().token(), answeredToken)) {
      return Identity.operatorRequired(
          IdentitySource.HEALTH,
          "its health answer does not hold the token of its own command line: a look-alike",
          attrs);
    }
    // Proven. The records decide.
    if (projectGone(ctx, project)) {
      attrs.put("stale", "project deleted: " + project + " is gone");
      return Identity.safeAuto(IdentitySource.HEALTH, attrs);
    }
    String path = project + "/.kittify/.dashboard";
    FileEvidence file = ctx.readFile(path);
    if (file.absent()) {
      return Identity.operatorRequired(
          IdentitySource.HEALTH,
          "no metadata file "
              + path
              + " (spec-kitty writes it once the dashboard answered: it may be starting)",
          attrs);
    }
    if (file.text() == null) {
      return Identity.operatorRequired(
          IdentitySource.HEALTH,
          "metadata file " + path + " cannot be read (" + file.error() + ")",
          attrs);
    }
    if (!file.writableOnlyBy(p.uid())) {
      return Identity.operatorRequired(
          IdentitySource.HEALTH,
          "metadata file "
              + path
              + " can be written by others than the dashboard's user: not evidence",
          attrs);
    }
    DashboardMetadata meta;
    try {
      meta = DashboardMetadata.parse(file.text());
    } catch (IllegalArgumentException e) {
      return Identity.operatorRequired(
          IdentitySource.HEALTH,
          "metadata file " + path + " is malformed: " + e.getMessage(),
          attrs);
    }
    attrs.put(Identity.RECORDED_PID, meta.pid());
    if (names(meta, p, port, call.get().token())) {
      return Identity.recordedLive(
          IdentitySource.METADATA_FILE, "the live dashboard on record for " + project, attrs);
    }
    if (meta.pid() != null && meta.pid() == p.pid()) {
      return Identity.operatorRequired(
          IdentitySource.METADATA_FILE,
          "metadata file " + path + " names its pid with port " + meta.port() + " or another token",
          attrs);
    }
    attrs.put("stale", superseded(ctx, meta, project));
    return Identity.safeAuto(IdentitySource.METADATA_FILE, attrs);
  }

  /** Why the dashboard its project's metadata names is another: for the report. */
  private static String superseded(ProbeContext ctx, DashboardMetadata meta, String project) {
    if (meta.pid() == null) {
      return "superseded: its project's metadata names port " + meta.port() + " and no pid";
    }
    Optional<ProcessView> named = ctx.process(meta.pid());
    boolean dashboard =
        named.isPresent()
            && call(named.get()).map(c -> samePath(c.project(), project)).orElse(false);
    return dashboard
        ? "superseded by pid " + meta.pid() + " (port " + meta.port() + ")"
        : "orphan: its project's metadata names pid "
            + meta.pid()
            + (named.isPresent()
                ? ", which is not a dashboard of the project (a stale record; kitty never touches that process)"
                : ", which is gone (a stale record)");
  }

  /**
   * The metadata naming this dashboard: a pid line equal to its pid, or (files of two or three
   * lines, from before the pid was written) no pid line; the port always; the token when both the
   * file and the command line have one.
   */
  private static boolean names(DashboardMetadata meta, ProcessView p, int port, String token) {
    if (meta.port() != port) {
      return false;
    }
    if (meta.pid() != null && meta.pid() != p.pid()) {
      return false;
    }
    return meta.token() == null
        || token.isEmpty()
        || dev.kitty.api.support.DaemonProof.proofMatches(token, meta.token());
  }

  private static Optional<DashboardMetadata> trustedMetadata(
      ProbeContext ctx, ProcessView p, String project) {
    FileEvidence file = ctx.readFile(project + "/.kittify/.dashboard");
    if (file.text() == null || !file.writableOnlyBy(p.uid())) {
      return Optional.empty();
    }
    try {
      return Optional.of(DashboardMetadata.parse(file.text()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static boolean samePath(String a, String b) {
    try {
      return Path.of(a).normalize().equals(Path.of(b).normalize());
    } catch (InvalidPathException e) {
      return false;
    }
  }

  /**
   * Whether the project folder is gone, read through the probe's context like every other piece of
   * evidence: only "no such file" is gone (a folder kitty cannot search, or a symlink, is there and
   * proves nothing either way).
   */
  static boolean projectGone(ProbeContext ctx, String dir) {
    return ctx.readFile(dir).absent();
  }
}
