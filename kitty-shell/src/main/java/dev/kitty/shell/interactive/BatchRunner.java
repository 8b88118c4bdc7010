package dev.kitty.shell.interactive;

import dev.kitty.engine.model.KittyException;
import dev.kitty.shell.command.ExitCodes;
import dev.kitty.shell.command.KittyCommand;
import dev.kitty.shell.command.Session;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Batch mode: runs commands one after another through the same command tree as the CLI. With {@code
 * --json} each command writes one JSON document on one line, so the output is JSON Lines. The exit
 * code is the first non-zero code met (with {@code --fail-fast}, batch stops there). {@code source
 * FILE} runs another script in place (relative to the script that names it), at most {@link
 * #MAX_DEPTH} deep so that a script sourcing itself ends with an error, not a stack overflow.
 */
public final class BatchRunner {

  private final Session session;
  private final KittyCommand.Globals globals;
  private final CommandTree tree;
  private final boolean failFast;

  /** How deep {@code source} may nest. */
  static final int MAX_DEPTH = 8;

  private int depth;

  public BatchRunner(
      Session session, KittyCommand.Globals globals, boolean failFast, CommandTree tree) {
    this.tree = tree;
    this.session = session;
    this.globals = globals;
    this.failFast = failFast;
  }

  /** Runs {@code text}; {@code where} names it in error messages ("-c", a file, "stdin"). */
  public int runScript(String where, String text, boolean semicolons) {
    int first = ExitCodes.OK;
    String[] lines = semicolons ? new String[] {text} : text.split("\n", -1);
    for (int n = 0; n < lines.length; n++) {
      List<List<String>> commands;
      try {
        commands = Tokenizer.commands(lines[n]);
      } catch (KittyException e) {
        session.err().println("kitty: " + location(where, n, semicolons) + e.getMessage());
        first = first == ExitCodes.OK ? e.exitCode() : first;
        if (failFast) {
          return first;
        }
        continue;
      }
      for (List<String> words : commands) {
        int code =
            words.getFirst().equals("source")
                ? source(where, n, semicolons, words)
                : run(words.toArray(String[]::new));
        session.out().flush();
        if (code != ExitCodes.OK) {
          session
              .err()
              .println(
                  "kitty: "
                      + location(where, n, semicolons)
                      + "'"
                      + String.join(" ", words)
                      + "' exited "
                      + code);
          session.err().flush();
          if (first == ExitCodes.OK) {
            first = code;
          }
          if (failFast) {
            return code;
          }
        }
      }
    }
    return first;
  }

  /** {@code source FILE}: the file's commands, as if they stood here. */
  private int source(String where, int line, boolean semicolons, List<String> words) {
    if (words.size() != 2) {
      session.err().println("kitty: " + location(where, line, semicolons) + "usage: source FILE");
      return ExitCodes.USAGE;
    }
    if (depth >= MAX_DEPTH) {
      session
          .err()
          .println(
              "kitty: "
                  + location(where, line, semicolons)
                  + "source nested more than "
                  + MAX_DEPTH
                  + " deep (does a script source itself?)");
      return ExitCodes.USAGE;
    }
    Path file = Path.of(words.get(1));
    Path here = where.startsWith("-") || where.equals("stdin") ? null : Path.of(where).getParent();
    if (!file.isAbsolute() && here != null) {
      file = here.resolve(file);
    }
    depth++;
    try {
      return runFile(file);
    } finally {
      depth--;
    }
  }

  private static String location(String where, int line, boolean semicolons) {
    return semicolons ? where + ": " : where + ":" + (line + 1) + ": ";
  }

  public int runFile(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      session.err().println("kitty: batch file " + file + " cannot be read: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    return runScript(file.toString(), text, false);
  }

  public int runStdin() {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      StringBuilder sb = new StringBuilder();
      String line;
      while ((line = r.readLine()) != null) {
        sb.append(line).append('\n');
      }
      return runScript("stdin", sb.toString(), false);
    } catch (IOException e) {
      session.err().println("kitty: stdin cannot be read: " + e.getMessage());
      return ExitCodes.USAGE;
    }
  }

  private int run(String[] words) {
    return tree.forArgs(session, globals, words).execute(words);
  }
}
