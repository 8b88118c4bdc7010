package dev.kitty.shell;

import dev.kitty.engine.Kitty;
import dev.kitty.engine.model.KittyException;
import dev.kitty.shell.command.CleanupCommand;
import dev.kitty.shell.command.DashboardCommand;
import dev.kitty.shell.command.DoctorCommand;
import dev.kitty.shell.command.DownCommand;
import dev.kitty.shell.command.EnsureCommand;
import dev.kitty.shell.command.ExitCodes;
import dev.kitty.shell.command.FamiliesCommand;
import dev.kitty.shell.command.FamilyCommand;
import dev.kitty.shell.command.FrontEnds;
import dev.kitty.shell.command.GhostsCommand;
import dev.kitty.shell.command.KillCommand;
import dev.kitty.shell.command.KittyCommand;
import dev.kitty.shell.command.LogsCommand;
import dev.kitty.shell.command.MapCommand;
import dev.kitty.shell.command.PsCommand;
import dev.kitty.shell.command.RestartCommand;
import dev.kitty.shell.command.ScanCommand;
import dev.kitty.shell.command.Session;
import dev.kitty.shell.command.ShellCommand;
import dev.kitty.shell.command.StartCommand;
import dev.kitty.shell.command.StatusCommand;
import dev.kitty.shell.command.StopCommand;
import dev.kitty.shell.command.SyncCommand;
import dev.kitty.shell.command.TreeCommand;
import dev.kitty.shell.command.UpCommand;
import dev.kitty.shell.command.WatchCommand;
import dev.kitty.shell.interactive.BatchRunner;
import dev.kitty.shell.interactive.CommandTree;
import dev.kitty.shell.interactive.InteractiveShell;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Builds the picocli tree for one front end, with kitty's error handling and exit codes. */
public final class Cli {

  private Cli() {}

  /** Every command under {@code kitty}, in the order help lists them. */
  static final List<Class<?>> COMMANDS =
      List.of(
          FamiliesCommand.class,
          FamilyCommand.class,
          ScanCommand.class,
          DoctorCommand.class,
          CleanupCommand.class,
          KillCommand.class,
          GhostsCommand.class,
          TreeCommand.class,
          MapCommand.class,
          StartCommand.class,
          StopCommand.class,
          RestartCommand.class,
          EnsureCommand.class,
          StatusCommand.class,
          WatchCommand.class,
          UpCommand.class,
          DownCommand.class,
          PsCommand.class,
          LogsCommand.class,
          SyncCommand.class,
          DashboardCommand.class,
          ShellCommand.class,
          GenerateDocsCommand.class,
          CommandLine.HelpCommand.class);

  /** The tree the front ends run their lines with. */
  public static final CommandTree TREE =
      new CommandTree() {
        @Override
        public CommandLine whole(Session session, KittyCommand.Globals inherited) {
          return build(session, inherited);
        }

        @Override
        public CommandLine forArgs(Session session, KittyCommand.Globals inherited, String[] args) {
          return Cli.forArgs(session, inherited, args);
        }
      };

  /** The batch runner and the shell, over {@link #TREE}. */
  static final FrontEnds FRONT_ENDS =
      new FrontEnds() {
        @Override
        public int script(
            Session session, KittyCommand.Globals globals, boolean failFast, String script) {
          return new BatchRunner(session, globals, failFast, TREE).runScript("-c", script, true);
        }

        @Override
        public int file(
            Session session, KittyCommand.Globals globals, boolean failFast, Path file) {
          return new BatchRunner(session, globals, failFast, TREE).runFile(file);
        }

        @Override
        public int stdin(Session session, KittyCommand.Globals globals, boolean failFast) {
          return new BatchRunner(session, globals, failFast, TREE).runStdin();
        }

        @Override
        public int shell(Session session, KittyCommand.Globals globals) {
          return new InteractiveShell(session, globals, TREE).run();
        }
      };

  /** The whole tree: for the shell, completion, help and the generated docs. */
  public static CommandLine build(Session session, KittyCommand.Globals inherited) {
    CommandLine cl = new CommandLine(new KittyCommand(session, inherited, FRONT_ENDS));
    COMMANDS.forEach(c -> cl.addSubcommand(c));
    return configure(cl, session);
  }

  /**
   * The tree {@code args} need: the root and only the command they name. picocli reads every
   * command class by reflection when it is added, and the JVM cannot keep picocli's classes linked
   * in the AOT cache (class files of Java 5), so the whole tree costs a cold start ≈ 150 ms and one
   * command a fraction of it (ADR 24). Anything else — no command, an unknown word (whose nearest
   * command is suggested from the whole tree), {@code help} — gets the whole tree.
   */
  static CommandLine forArgs(Session session, KittyCommand.Globals inherited, String[] args) {
    CommandLine cl = new CommandLine(new KittyCommand(session, inherited, FRONT_ENDS));
    Class<?> named = named(cl, args);
    if (named == null) {
      COMMANDS.forEach(c -> cl.addSubcommand(c));
    } else {
      cl.addSubcommand(named);
    }
    // Settings reach only the subcommands present when they are set: configured last.
    return configure(cl, session);
  }

  /** The command class the first command word of {@code args} names, or null for the tree. */
  private static Class<?> named(CommandLine root, String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("-")) {
        var option =
            root.getCommandSpec().findOption(a.contains("=") ? a.substring(0, a.indexOf('=')) : a);
        if (option == null) {
          return null;
        }
        if (option.arity().max() > 0 && !a.contains("=")) {
          i++;
        }
        continue;
      }
      if (a.equals("help")) {
        return null; // help COMMAND and help alone list from the tree
      }
      for (Class<?> c : COMMANDS) {
        Command command = c.getAnnotation(Command.class);
        if (command.name().equals(a) || List.of(command.aliases()).contains(a)) {
          return c;
        }
      }
      return null;
    }
    return null;
  }

  private static CommandLine configure(CommandLine cl, Session session) {
    cl.setOut(session.out());
    cl.setErr(session.err());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    // `kitty -c scan`: a one-word script that is a command name is the script, not a command.
    cl.setAllowSubcommandsAsOptionParameters(true);
    cl.setParameterExceptionHandler(Cli::parameterError);
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          if (ex instanceof KittyException ke) {
            err.println("kitty: " + ke.getMessage());
            err.flush();
            if (wantsJson(commandLine, parseResult)) {
              jsonError(commandLine, kind(ke), ke.getMessage(), ke.exitCode());
            }
            return ke.exitCode();
          }
          err.println("kitty: internal error: " + ex);
          if (wantsJson(commandLine, parseResult)) {
            // A script reads stdout: one JSON error document there, no trace anywhere.
            jsonError(commandLine, "internal", String.valueOf(ex), ExitCodes.FAILED);
          } else {
            ex.printStackTrace(err);
          }
          err.flush();
          return ExitCodes.FAILED;
        });
    CommandLine.IExecutionStrategy run = new CommandLine.RunLast();
    cl.setExecutionStrategy(
        parseResult -> {
          int code;
          try {
            code = run.execute(parseResult);
          } finally {
            if (parseResult.commandSpec().userObject() instanceof KittyCommand root) {
              root.flushOutput();
            }
          }
          Kitty k = session.loadedKitty();
          java.util.Optional<String> lost =
              k == null ? java.util.Optional.empty() : k.takeAuditProblem();
          if (lost.isPresent()) {
            // A decision of the gate without its audit line: the command failed (ADR 12 addendum).
            session.err().println("kitty: " + lost.get());
            session.err().flush();
            return code == ExitCodes.USAGE ? code : ExitCodes.FAILED;
          }
          return code;
        });
    cl.setExitCodeExceptionMapper(ex -> ExitCodes.USAGE);
    return cl;
  }

  private static String kind(KittyException e) {
    return switch (e) {
      case KittyException.Usage u -> "usage";
      case KittyException.BadInput b -> "bad_input";
      case KittyException.Failed f -> "failed";
    };
  }

  /** Whether {@code --json} was given on this line or inherited from the invocation around it. */
  private static boolean wantsJson(CommandLine cl, CommandLine.ParseResult parseResult) {
    for (CommandLine.ParseResult p = parseResult; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--json")) {
        return true;
      }
    }
    CommandLine root = cl;
    while (root.getParent() != null) {
      root = root.getParent();
    }
    return root.getCommand() instanceof KittyCommand k && k.globals().json();
  }

  /** With {@code --json}: the error as one JSON document on stdout (docs/schemas/error). */
  private static void jsonError(CommandLine cl, String kind, String message, int code) {
    java.util.Map<String, Object> error = new java.util.LinkedHashMap<>();
    error.put("kind", kind);
    error.put("message", message);
    error.put("exit_code", code);
    PrintWriter out = cl.getOut();
    out.println(dev.kitty.api.support.JsonText.write(java.util.Map.of("error", error)));
    out.flush();
  }

  private static int parameterError(CommandLine.ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println("kitty: " + ex.getMessage());
    if (List.of(args).contains("--json") || wantsJson(cl, null)) {
      jsonError(cl, "usage", ex.getMessage(), ExitCodes.USAGE);
    }
    String nearest =
        ex instanceof CommandLine.UnmatchedArgumentException u
                && cl.getParent() == null
                && !u.getUnmatched().isEmpty()
            ? nearest(u.getUnmatched().getFirst(), cl.getSubcommands().keySet())
            : null;
    if (nearest != null) {
      err.println("Did you mean 'kitty " + nearest + "'?");
    } else {
      err.println(
          "Try 'kitty help" + (cl.getParent() == null ? "" : " " + cl.getCommandName()) + "'.");
    }
    err.flush();
    return ExitCodes.USAGE;
  }

  /** The command closest to {@code typed} (at most two edits, a swap counting as one), or null. */
  static String nearest(String typed, java.util.Collection<String> commands) {
    String best = null;
    int bestDistance = 3;
    for (String c : commands) {
      int d = distance(typed, c);
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
