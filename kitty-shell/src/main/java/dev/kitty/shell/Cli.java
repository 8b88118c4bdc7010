package dev.kitty.shell;

import dev.kitty.engine.KittyException;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Builds the picocli tree for one front end, with kitty's error handling and exit codes. */
final class Cli {

  private Cli() {}

  static CommandLine build(Session session, KittyCommand.Globals inherited) {
    CommandLine cl = new CommandLine(new KittyCommand(session, inherited));
    cl.setOut(session.out());
    cl.setErr(session.err());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler(Cli::parameterError);
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          if (ex instanceof KittyException ke) {
            err.println("kitty: " + ke.getMessage());
            err.flush();
            return ke.exitCode();
          }
          err.println("kitty: internal error: " + ex);
          ex.printStackTrace(err);
          err.flush();
          return ExitCodes.FAILED;
        });
    cl.setExitCodeExceptionMapper(ex -> ExitCodes.USAGE);
    return cl;
  }

  private static int parameterError(CommandLine.ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println("kitty: " + ex.getMessage());
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
