package dev.kitty.family.sync;

import dev.kitty.api.FileEvidence;
import dev.kitty.api.HttpAnswer;
import dev.kitty.api.Identity;
import dev.kitty.api.IdentitySource;
import dev.kitty.api.ProbeContext;
import dev.kitty.api.ProcessView;
import dev.kitty.api.support.JsonFields;
import dev.kitty.api.support.JsonText;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Identity of spec-kitty's own sync daemons (ADR 26), as spec-kitty runs them: {@code python -c '…
 * run_sync_daemon(PORT, 'TOKEN')' --spec-kitty-daemon-root=ROOT --spec-kitty-daemon-exec=…}, one
 * singleton per root, named by {@code ROOT/sync-daemon} (url, port, token, pid; written by the CLI
 * once the daemon answered), describing itself in {@code ROOT/sync/daemon/owner.json} and in its
 * health answer (3.2.4 and later add {@code daemon_family} and {@code singleton_scope_id}; 3.2.2
 * and 3.2.3 show the shared owner file, which may describe a newer daemon).
 *
 * <p>What proves a candidate: the token in its health answer is the one in its own command line
 * (only the process and the CLI that started it know it), the port in its command line is the
 * listener's, and the root it declares agrees across its command line, its health answer and its
 * owner file. What makes it live: its root's singleton record names its pid, port and token — read
 * only when the root and the record could have been written by the daemon's user alone. What makes
 * it stale: the record names another daemon, names a dead pid, or is missing; then it is {@code
 * safe_auto} only in this user's own spec-kitty root ({@code $SPEC_KITTY_HOME}, else {@code
 * ~/.spec-kitty}); in any other root it is for the operator ("cross-root").
 */
final class SpecKittySyncProof {

  private SpecKittySyncProof() {}

  static final String ROOT_FLAG = "--spec-kitty-daemon-root=";

  private static final Pattern CALL =
      Pattern.compile("run_sync_daemon\\(\\s*(\\d+)\\s*,\\s*['\"]([0-9A-Za-z_-]+)['\"]\\s*\\)");

  /** Whether {@code p} runs spec-kitty's sync daemon (its spawn shape). */
  static boolean runsSpecKittyDaemon(ProcessView p) {
    return p.commandLine().contains("run_sync_daemon") && root(p).isPresent();
  }

  /** The root in the command line's {@code --spec-kitty-daemon-root=} argument. */
  static Optional<String> root(ProcessView p) {
    for (String a : p.args()) {
      if (a.startsWith(ROOT_FLAG) && a.length() > ROOT_FLAG.length()) {
        return Optional.of(a.substring(ROOT_FLAG.length()));
      }
    }
    return Optional.empty();
  }

  /** The port and token the command line's {@code run_sync_daemon(PORT, 'TOKEN')} call names. */
  record Call(int port, String token) {}

  static Optional<Call> call(ProcessView p) {
    for (String a : p.args()) {
      Matcher m = CALL.matcher(a);
      if (m.find()) {
        try {
          return Optional.of(new Call(Integer.parseInt(m.group(1)), m.group(2)));
        } catch (NumberFormatException tooLong) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The singleton record {@code ROOT/sync-daemon}: url, port, token, pid, one a line (blank lines
   * ignored; CR and CRLF line ends read).
   *
   * @throws IllegalArgumentException saying which line is wrong
   */
  record SingletonRecord(String url, int port, String token, Long pid) {
    static SingletonRecord parse(String text) {
      List<String> lines = new ArrayList<>();
      for (String line : text.replace('\r', '\n').split("\n")) {
        if (!line.isBlank()) {
          lines.add(line.strip());
        }
      }
      if (lines.size() < 2) {
        throw new IllegalArgumentException(
            "needs at least a url and a port line, has " + lines.size());
      }
      int port;
      try {
        port = Integer.parseInt(lines.get(1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("line 2 is not a port: " + lines.get(1));
      }
      Long pid = null;
      if (lines.size() > 3) {
        try {
          pid = Long.parseLong(lines.get(3));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("line 4 is not a pid: " + lines.get(3));
        }
      }
      return new SingletonRecord(lines.get(0), port, lines.size() > 2 ? lines.get(2) : null, pid);
    }
  }

  static Identity identify(ProbeContext ctx, ProcessView p, HttpAnswer health) {
    Map<String, Object> attrs = new LinkedHashMap<>();
    String root = normalize(root(p).orElseThrow());
    attrs.put("spawn_shape", "spec-kitty");
    attrs.put("daemon_root", root);
    attrs.put(Identity.SCOPE, root);
    attrs.put("executable", p.executable());
    Optional<Call> call = call(p);
    if (call.isEmpty()) {
      return Identity.operatorRequired(
          IdentitySource.PROCESS_SHAPE,
          "a spec-kitty sync command line without run_sync_daemon(PORT, 'TOKEN')",
          attrs);
    }
    int port = ctx.listener().port();
    Optional<String> elsewhere =
        dev.kitty.api.support.DaemonProof.notTheListener(ctx, p, call.get().port());
    if (elsewhere.isPresent()) {
      return Identity.operatorRequired(IdentitySource.PROCESS_SHAPE, elsewhere.get(), attrs);
    }
    Record record = record(ctx, p, root, attrs);
    if (!health.okJson()) {
      // Silence is never staleness (ADR 18, 26): the one its record names stays the live one.
      String why = health.error() != null ? health.error() : "HTTP " + health.status();
      attrs.put(Identity.HEALTH, why);
      if (record.names(p, port, call.get().token())) {
        return Identity.recordedLive(
            IdentitySource.METADATA_FILE,
            "the live spec-kitty sync daemon of "
                + root
                + " (it did not answer health: "
                + why
                + ")",
            attrs);
      }
      return Identity.operatorRequired(
          IdentitySource.PROCESS_SHAPE,
          "a spec-kitty sync daemon that did not answer health (" + why + ")",
          attrs);
    }
    Map<String, Object> h = health.json();
    Map<String, Object> owner = JsonFields.object(h, "owner").orElse(null);
    attrs.put("protocol_version", JsonFields.scalar(h, "protocol_version"));
    attrs.put("package_version", JsonFields.scalar(h, "package_version"));
    attrs.put("owner_present", owner != null);
    attrs.put("queue_db_path", JsonFields.scalar(owner, "queue_db_path"));
    attrs.put("server_url", JsonFields.scalar(owner, "server_url"));
    attrs.put("auth_scope", JsonFields.scalar(owner, "auth_scope"));
    attrs.put("started_at", JsonFields.scalar(owner, "started_at"));
    attrs.put("intent", JsonFields.scalar(h, "intent"));
    String problem = disagreement(ctx, p, port, root, call.get(), h, owner);
    if (problem != null) {
      return Identity.operatorRequired(IdentitySource.HEALTH, problem, attrs);
    }
    if (record.problem() != null) {
      return Identity.operatorRequired(IdentitySource.HEALTH, record.problem(), attrs);
    }
    if (record.names(p, port, call.get().token())) {
      return Identity.recordedLive(
          IdentitySource.METADATA_FILE,
          "the live spec-kitty sync daemon of " + root + " (" + record.path() + " names it)",
          attrs);
    }
    attrs.put("stale", record.why());
    String mine = userRoot(ctx);
    if (p.uid() != ctx.currentUid()) {
      return Identity.operatorRequired(
          IdentitySource.HEALTH,
          "a stale spec-kitty sync daemon of another user (" + p.user() + "): " + record.why(),
          attrs);
    }
    if (mine == null || !mine.equals(root)) {
      return Identity.operatorRequired(
          IdentitySource.HEALTH,
          "cross-root: its spec-kitty root is "
              + root
              + ", this user's is "
              + (mine == null ? "unknown" : mine)
              + " ($SPEC_KITTY_HOME, else ~/.spec-kitty); "
              + record.why(),
          attrs);
    }
    return Identity.safeAuto(IdentitySource.METADATA_FILE, attrs);
  }

  /** Why the candidate's own descriptions of itself disagree, or null when they agree. */
  private static String disagreement(
      ProbeContext ctx,
      ProcessView p,
      int port,
      String root,
      Call call,
      Map<String, Object> h,
      Map<String, Object> owner) {
    String token = JsonFields.string(h, "token").orElse(null);
    if (token == null || !dev.kitty.api.support.DaemonProof.proofMatches(call.token(), token)) {
      return "its health answer does not hold the token of its own command line";
    }
    Optional<String> scope = JsonFields.string(h, "singleton_scope_id");
    if (scope.isPresent() && !normalize(scope.get()).equals(root)) {
      return "its command line names root "
          + root
          + ", its health answer singleton_scope_id "
          + scope.get();
    }
    boolean selfDescribed = JsonFields.string(h, "daemon_family").isPresent();
    if (owner != null) {
      Long ownerPid = JsonFields.integer(owner, "pid").orElse(null);
      Long ownerPort = JsonFields.integer(owner, "port").orElse(null);
      boolean describesIt =
          ownerPid != null && ownerPid == p.pid() && ownerPort != null && ownerPort == port;
      // From 3.2.4 the owner in the health answer is the daemon's own; before, it is the shared
      // owner file, which a newer daemon may have rewritten: only the former must describe it.
      if (selfDescribed && !describesIt) {
        return "its health answer's owner names pid "
            + ownerPid
            + " port "
            + ownerPort
            + ", but the listener is pid "
            + p.pid()
            + " port "
            + port;
      }
      String queue = JsonFields.string(owner, "queue_db_path").orElse(null);
      if (describesIt && queue != null && !isUnder(queue, root)) {
        return "its owner record's queue " + queue + " is not under its root " + root;
      }
    }
    FileEvidence ownerFile = ctx.readFile(root + "/sync/daemon/owner.json");
    if (ownerFile.text() != null && ownerFile.writableOnlyBy(p.uid())) {
      try {
        Map<String, Object> o = JsonText.parseObject(ownerFile.text());
        if (o.get("pid") instanceof Long op && op == p.pid()) {
          if (!(o.get("port") instanceof Long oq) || oq != port) {
            return ownerFile.path() + " names its pid with port " + o.get("port");
          }
          if (!(o.get("token") instanceof String ot)
              || !dev.kitty.api.support.DaemonProof.proofMatches(call.token(), ot)) {
            return ownerFile.path() + " names its pid with another token";
          }
        }
      } catch (IllegalArgumentException corrupt) {
        return ownerFile.path() + " is corrupt (" + corrupt.getMessage() + ")";
      }
    }
    return null;
  }

  /**
   * What the root's singleton record says.
   *
   * @param path the record's path
   * @param parsed the record, or null
   * @param problem why it is not evidence (unsafe root, unreadable), or null
   * @param why what it says of a daemon it does not name (for the stale reason)
   */
  private record Record(String path, SingletonRecord parsed, String problem, String why) {
    boolean names(ProcessView p, int port, String token) {
      return problem == null
          && parsed != null
          && parsed.pid() != null
          && parsed.pid() == p.pid()
          && parsed.port() == port
          && parsed.token() != null
          && dev.kitty.api.support.DaemonProof.proofMatches(token, parsed.token());
    }
  }

  private static Record record(
      ProbeContext ctx, ProcessView p, String root, Map<String, Object> attrs) {
    String path = root + "/sync-daemon";
    attrs.put("record", path);
    FileEvidence dir = ctx.readFile(root);
    if (!dir.isDirectory() || !dir.writableOnlyBy(p.uid())) {
      return new Record(
          path,
          null,
          "its root "
              + root
              + (dir.isDirectory()
                  ? " can be written by others than its user (uid " + p.uid() + ")"
                  : " is not a folder kitty can inspect (" + dir.error() + ")")
              + ": its singleton record is not evidence",
          null);
    }
    FileEvidence file = ctx.readFile(path);
    if (file.absent()) {
      return new Record(path, null, null, "no singleton record at " + path);
    }
    if (file.text() == null) {
      return new Record(
          path, null, "singleton record " + path + " cannot be read (" + file.error() + ")", null);
    }
    if (!file.writableOnlyBy(p.uid())) {
      return new Record(
          path,
          null,
          "singleton record " + path + " can be written by others than its user: not evidence",
          null);
    }
    SingletonRecord r;
    try {
      r = SingletonRecord.parse(file.text());
    } catch (IllegalArgumentException e) {
      return new Record(
          path, null, "singleton record " + path + " is malformed (" + e.getMessage() + ")", null);
    }
    attrs.put(Identity.RECORDED_PID, r.pid());
    String why;
    if (r.pid() == null) {
      why = path + " names no pid";
    } else if (r.pid() == p.pid()) {
      why = path + " names its pid with port " + r.port() + " and another token";
    } else if (ctx.process(r.pid()).isPresent()) {
      why = "superseded: " + path + " names pid " + r.pid() + " port " + r.port();
    } else {
      why = path + " names pid " + r.pid() + ", which is gone";
    }
    return new Record(path, r, null, why);
  }

  /** This user's spec-kitty root: {@code $SPEC_KITTY_HOME}, else {@code $HOME/.spec-kitty}. */
  static String userRoot(ProbeContext ctx) {
    Optional<String> home = ctx.environment("SPEC_KITTY_HOME");
    if (home.isPresent()) {
      return normalize(home.get());
    }
    return ctx.environment("HOME").map(h -> normalize(h + "/.spec-kitty")).orElse(null);
  }

  private static String normalize(String path) {
    try {
      return Path.of(path).toAbsolutePath().normalize().toString();
    } catch (InvalidPathException e) {
      return path;
    }
  }

  private static boolean isUnder(String file, String root) {
    try {
      return Path.of(file).toAbsolutePath().normalize().startsWith(Path.of(root));
    } catch (InvalidPathException e) {
      return false;
    }
  }
}
