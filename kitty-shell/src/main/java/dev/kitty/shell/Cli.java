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
    if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
      err.println("Try 'kitty help " + (cl.getParent() == null ? "" : cl.getCommandName()) + "'.");
    }
    err.flush();
    return ExitCodes.USAGE;
  }
}
