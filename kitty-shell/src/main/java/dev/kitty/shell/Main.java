package dev.kitty.shell;

import dev.kitty.shell.command.ExitCodes;
import dev.kitty.shell.command.KittyCommand;
import dev.kitty.shell.command.Session;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** {@code kitty}: the process entry point. */
public final class Main {

  private Main() {}

  /** Runs kitty and exits with the contract's exit code. */
  public static void main(String[] args) {
    // The one command that needs nothing of the rest: answered before the command tree (40 command
    // classes read by reflection) is built. `kitty --version` is what tools call to find kitty.
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      System.out.println(KittyCommand.version());
      System.exit(ExitCodes.OK);
    }
    // slf4j-simple: diagnostics to stderr, quiet unless something is wrong.
    System.setProperty(
        "org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("kitty.log", "warn"));
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    java.io.Console console = System.console();
    boolean terminal = console != null && console.isTerminal();
    int code = run(args, new Session(System.getenv(), out, err, terminal));
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs one kitty invocation in this JVM; the tests' entry point. */
  static int run(String[] args, Session session) {
    return Cli.forArgs(session, KittyCommand.Globals.NONE, args).execute(args);
  }
}
