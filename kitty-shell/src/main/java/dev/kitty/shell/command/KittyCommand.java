package dev.kitty.shell.command;

import dev.kitty.engine.Kitty;
import dev.kitty.shell.render.Ansi;
import dev.kitty.shell.render.Redaction;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The root of the command tree and its global options. Without a subcommand it runs batch mode
 * ({@code -c}, {@code --batch}, or stdin when stdin is not a terminal) or opens the interactive
 * shell. Every front end builds its lines on this same class, so a command behaves the same typed
 * once, in a script, or in the shell.
 */
@Command(
    name = "kitty",
    mixinStandardHelpOptions = true,
    versionProvider = KittyCommand.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Finds what holds a reserved port, proves whose it is, stops only what is provably safe.",
      "",
      "Exit codes: 0 ok, 1 an action failed, 2 usage or input error, 3 doctor found",
      "something to fix."
    })
public final class KittyCommand implements Callable<Integer> {

  /** The global settings a batch or shell line inherits from the kitty invocation around it. */
  public record Globals(
      boolean json,
      Path stateDir,
      List<Path> familyPaths,
      Path config,
      boolean noColor,
      boolean allUsers,
      boolean nested,
      boolean quiet,
      boolean redact) {
    /** No global option given. */
    public static final Globals NONE =
        new Globals(false, null, List.of(), null, false, false, false, false, false);

    /** Copies the list. */
    public Globals {
      familyPaths = List.copyOf(familyPaths);
    }
  }

  private final Session session;
  private final Globals inherited;
  private final FrontEnds frontEnds;

  @Spec CommandSpec spec;

  // --json and --no-color are also accepted after the command (kitty scan --json), as users type
  // them.
  @Option(
      names = "--json",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Machine output: one JSON document per command.")
  boolean json;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "Where kitty keeps its records.")
  Path stateDir;

  @Option(
      names = "--family-path",
      paramLabel = "DIR",
      description = "An extra folder of family jars (repeatable).")
  List<Path> familyPaths = new ArrayList<>();

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "The config file with range overrides.")
  Path config;

  @Option(
      names = "-c",
      paramLabel = "'CMD; CMD'",
      description = "Batch: run these commands in order.")
  String commands;

  @Option(
      names = "--batch",
      paramLabel = "FILE",
      description = "Batch: one command a line, # comments.")
  Path batchFile;

  @Option(
      names = "--fail-fast",
      description = "Batch: stop at the first command that exits non-zero.")
  boolean failFast;

  @Option(
      names = "--all-users",
      description = "As root: also stop other users' processes (never without this).")
  boolean allUsers;

  @Option(
      names = "--stop-on-exit",
      description =
          "Shell and batch: stop the launches this session started when it ends (also on SIGTERM).")
  boolean stopOnExit;

  @Option(
      names = {"-q", "--quiet"},
      scope = CommandLine.ScopeType.INHERIT,
      description = "No report on stdout (errors still on stderr; --json output is kept).")
  boolean quiet;

  @Option(
      names = "--redact",
      scope = CommandLine.ScopeType.INHERIT,
      description =
          "Mask what looks like a secret (tokens, passwords, long hex or base64 words) in the"
              + " output.")
  boolean redact;

  @Option(
      names = "--no-color",
      scope = CommandLine.ScopeType.INHERIT,
      description = "No colour (NO_COLOR is honoured too).")
  boolean noColor;

  public KittyCommand(Session session, Globals inherited, FrontEnds frontEnds) {
    this.session = session;
    this.inherited = inherited;
    this.frontEnds = frontEnds;
  }

  /** What runs a batch or the interactive shell. */
  FrontEnds frontEnds() {
    return frontEnds;
  }

  /** The global settings in force for this command: this line's options over the inherited ones. */
  public Globals globals() {
    List<Path> paths = new ArrayList<>(inherited.familyPaths());
    paths.addAll(familyPaths);
    return new Globals(
        json || inherited.json(),
        stateDir != null ? stateDir : inherited.stateDir(),
        paths,
        config != null ? config : inherited.config(),
        noColor || inherited.noColor(),
        allUsers || inherited.allUsers(),
        true,
        quiet || inherited.quiet(),
        redact || inherited.redact());
  }

  public Session session() {
    return session;
  }

  Kitty kitty() {
    Globals g = globals();
    return session.kitty(g.stateDir(), g.familyPaths(), g.config(), g.allUsers());
  }

  boolean jsonOutput() {
    return globals().json();
  }

  Ansi ansi() {
    String noColorEnv = session.env().get("NO_COLOR");
    boolean color =
        session.terminal() && !globals().noColor() && (noColorEnv == null || noColorEnv.isEmpty());
    return new Ansi(color);
  }

  public PrintWriter out() {
    Globals g = globals();
    if (g.quiet() && !g.json()) {
      return QUIET;
    }
    if (!g.redact()) {
      return spec.commandLine().getOut();
    }
    // One redacting writer per command, so that a line printed in pieces is masked whole.
    if (redacted == null) {
      redacted = new PrintWriter(Redaction.writer(spec.commandLine().getOut()), true);
    }
    return redacted;
  }

  private PrintWriter redacted;

  /** Writes out what a command left on a line of its own (a redacted line waits for its end). */
  public void flushOutput() {
    if (redacted != null) {
      redacted.flush();
    }
  }

  /** Where a report goes under {@code --quiet}: nowhere. The exit code still says how it went. */
  private static final PrintWriter QUIET = new PrintWriter(java.io.Writer.nullWriter());

  @Override
  public Integer call() {
    if (inherited.nested()) {
      // A batch or shell line with global options but no command: nothing to run.
      spec.commandLine().getErr().println("kitty: no command given; try 'help'");
      return ExitCodes.USAGE;
    }
    if (!stopOnExit) {
      return runSession();
    }
    SessionLaunches launches = new SessionLaunches(session, this);
    Thread onSigterm = new Thread(launches::stopAll, "kitty-stop-on-exit");
    Runtime.getRuntime().addShutdownHook(onSigterm);
    try {
      return runSession();
    } finally {
      launches.stopAll();
      try {
        Runtime.getRuntime().removeShutdownHook(onSigterm);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running or has run: it found nothing left to stop.
      }
    }
  }

  private int runSession() {
    // A batch or a shell is one session of many commands: its scans share recent never_touch
    // verdicts (ADR 23); a one-shot command keeps none.
    session.reuseNeverTouchVerdicts(Session.SESSION_VERDICT_TTL);
    if (commands != null) {
      return frontEnds.script(session, globals(), failFast, commands);
    }
    if (batchFile != null) {
      return frontEnds.file(session, globals(), failFast, batchFile);
    }
    if (session.terminal()) {
      return frontEnds.shell(session, globals());
    }
    return frontEnds.stdin(session, globals(), failFast);
  }

  /** {@code kitty --version}: the shell module's version, read without loading any family. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {version()};
    }
  }

  /** {@code kitty VERSION}: the version of this module (of the build), "dev" without one. */
  public static String version() {
    var descriptor = KittyCommand.class.getModule().getDescriptor();
    return "kitty " + (descriptor == null ? "dev" : descriptor.rawVersion().orElse("dev"));
  }
}
