package dev.kitty.shell.interactive;

import dev.kitty.shell.command.ExitCodes;
import dev.kitty.shell.command.KittyCommand;
import dev.kitty.shell.command.Session;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine;

/**
 * The interactive shell: one picocli tree for the whole session (options reset on every line), tab
 * completion, persistent history in the state dir, Ctrl-C cancelling the running command and not
 * the shell, Ctrl-D leaving.
 */
public final class InteractiveShell {

  private final Session session;
  private final KittyCommand.Globals globals;
  private final CommandTree tree;

  public InteractiveShell(Session session, KittyCommand.Globals globals, CommandTree tree) {
    this.session = session;
    this.globals = globals;
    this.tree = tree;
  }

  /**
   * jline's own logger. jline reports a terminal type without a terminfo entry (an unknown {@code
   * TERM}) as a warning with a stack trace on the user's screen, then carries on with ANSI
   * defaults; kitty says so in one line instead. Held here: the JDK keeps loggers weakly.
   */
  private static final Logger JLINE_LOG = Logger.getLogger("org.jline");

  public int run() {
    JLINE_LOG.setUseParentHandlers(false);
    JLINE_LOG.addHandler(
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
              String m = r.getMessage();
              session
                  .err()
                  .println(
                      "kitty: terminal: "
                          + m.substring(0, 1).toLowerCase(java.util.Locale.ROOT)
                          + m.substring(1)
                          + (m.contains("infocmp")
                              ? " (no terminfo entry: the shell carries on with plain ANSI)"
                              : ""));
            }
          }

          @Override
          public void flush() {
            session.err().flush();
          }

          @Override
          public void close() {}
        });
    try (Terminal terminal = TerminalBuilder.builder().system(true).name("kitty").build()) {
      return loop(terminal);
    } catch (IOException e) {
      session.err().println("kitty: cannot open the terminal: " + e.getMessage());
      return ExitCodes.FAILED;
    }
  }

  int loop(Terminal terminal) {
    PrintWriter out = terminal.writer();
    Session shellSession = new Session(session.env(), out, out, true);
    shellSession.screen(terminal);
    shellSession.reuseNeverTouchVerdicts(Session.SESSION_VERDICT_TTL);
    CommandLine cli = tree.whole(shellSession, globals);
    Path history = historyFile(shellSession);
    LineReader reader =
        LineReaderBuilder.builder()
            .terminal(terminal)
            .appName("kitty")
            .completer(new CommandCompleter(cli.getCommandSpec(), shellSession, globals))
            .highlighter(new CommandHighlighter(commandWords(cli), color(terminal)))
            .variable(LineReader.HISTORY_FILE, history)
            .build();
    out.println("kitty shell — Tab completes, Ctrl-C cancels a command, Ctrl-D or 'exit' leaves.");
    IdleFamilyWatch familyWatch = IdleFamilyWatch.start(shellSession, reader::printAbove);
    try {
      readAndRun(terminal, reader, cli, shellSession, familyWatch);
    } finally {
      if (familyWatch != null) {
        familyWatch.close();
      }
    }
    try {
      reader.getHistory().save();
    } catch (IOException e) {
      session.err().println("kitty: history not saved: " + e.getMessage());
    }
    return ExitCodes.OK;
  }

  private int readAndRun(
      Terminal terminal,
      LineReader reader,
      CommandLine cli,
      Session shellSession,
      IdleFamilyWatch familyWatch) {
    PrintWriter out = terminal.writer();
    int last = ExitCodes.OK;
    while (true) {
      String line;
      if (familyWatch != null) {
        familyWatch.prompting();
      }
      try {
        line = reader.readLine(prompt(shellSession, last));
      } catch (UserInterruptException e) {
        continue;
      } catch (EndOfFileException e) {
        break;
      } finally {
        if (familyWatch != null) {
          familyWatch.commandStarts();
        }
      }
      List<List<String>> commands;
      try {
        commands = Tokenizer.commands(line);
      } catch (RuntimeException e) {
        out.println("kitty: " + e.getMessage());
        last = ExitCodes.USAGE;
        continue;
      }
      boolean exit = false;
      for (List<String> words : commands) {
        if (words.size() == 1
            && (words.getFirst().equals("exit") || words.getFirst().equals("quit"))) {
          exit = true;
          break;
        }
        if (words.getFirst().equals("shell")) {
          out.println("kitty: already in the shell");
          continue;
        }
        if (words.getFirst().equals("source")) {
          last =
              words.size() == 2
                  ? new BatchRunner(shellSession, globals, false, tree)
                      .runFile(Path.of(words.get(1)))
                  : ExitCodes.USAGE;
          if (words.size() != 2) {
            out.println("kitty: usage: source FILE");
          }
          continue;
        }
        // A family jar dropped in, replaced or removed since the last command (ADR 33); families
        // reload does it itself, and says what changed.
        if (!words.equals(List.of("families", "reload"))) {
          shellSession.reloadFamilies(false).forEach(out::println);
        }
        last = runCancellable(terminal, cli, words);
      }
      out.flush();
      if (exit) {
        break;
      }
    }
    return last;
  }

  /**
   * The state at a glance: how many daemons the last scan found to clean (safe_auto or
   * operator_required, not the live ones on record), and the last command's exit code when it was
   * not 0. E.g. {@code kitty (3 to clean) [1]> }.
   */
  static String prompt(Session session, int last) {
    dev.kitty.engine.model.ScanReport scan = session.lastScan();
    long toClean =
        scan == null
            ? 0
            : scan.candidates()
                .filter(c -> !c.identity().recorded())
                .filter(c -> c.cleanupClass() != dev.kitty.api.CleanupClass.NEVER_TOUCH)
                .count();
    return "kitty"
        + (toClean > 0 ? " (" + toClean + " to clean)" : "")
        + (last != ExitCodes.OK ? " [" + last + "]" : "")
        + "> ";
  }

  /** The words that start a command: every subcommand and the shell's own. */
  static java.util.Set<String> commandWords(CommandLine cli) {
    java.util.Set<String> out = new java.util.HashSet<>(cli.getSubcommands().keySet());
    out.addAll(List.of("exit", "quit", "source"));
    return out;
  }

  private boolean color(Terminal terminal) {
    String noColor = session.env().get("NO_COLOR");
    return !globals.noColor()
        && (noColor == null || noColor.isEmpty())
        && !Terminal.TYPE_DUMB.equals(terminal.getType());
  }

  /** Runs one command on a worker thread so that Ctrl-C interrupts the command, not the shell. */
  private static int runCancellable(Terminal terminal, CommandLine cli, List<String> words) {
    AtomicReference<Integer> code = new AtomicReference<>(ExitCodes.FAILED);
    Thread worker =
        Thread.ofPlatform()
            .name("kitty-command")
            .start(() -> code.set(cli.execute(words.toArray(String[]::new))));
    Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, s -> worker.interrupt());
    try {
      worker.join();
    } catch (InterruptedException e) {
      worker.interrupt();
      Thread.currentThread().interrupt();
    } finally {
      terminal.handle(Terminal.Signal.INT, previous);
    }
    return code.get();
  }

  /**
   * The history in this shell's state dir. The engine is loaded here with the shell's own options,
   * so the first command is warm and the idle family watch knows the folders; an error in them (a
   * malformed config) is the first command's to report.
   */
  private Path historyFile(Session s) {
    Path state =
        dev.kitty.engine.model.KittyOptions.resolve(
                session.env(), globals.stateDir(), List.of(), null)
            .stateDir();
    try {
      s.kitty(globals.stateDir(), globals.familyPaths(), globals.config(), globals.allUsers());
    } catch (RuntimeException reportedByTheFirstCommand) {
      // The same options fail the same way when a command asks for the engine.
    }
    try {
      Files.createDirectories(state);
    } catch (IOException e) {
      return null;
    }
    return state.resolve("history");
  }
}
