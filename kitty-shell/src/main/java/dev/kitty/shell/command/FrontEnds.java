package dev.kitty.shell.command;

import java.nio.file.Path;

/**
 * What {@code kitty} without a command runs: a batch (from {@code -c}, a file or stdin) or the
 * interactive shell. The front ends sit above the command tree and run its commands, so the root
 * command reaches them through this interface, given to it when the tree is built (ADR 28).
 */
public interface FrontEnds {

  /** Runs the commands of {@code script} ({@code -c}: separated by semicolons). */
  int script(Session session, KittyCommand.Globals globals, boolean failFast, String script);

  /** Runs the batch file {@code file}, one command a line. */
  int file(Session session, KittyCommand.Globals globals, boolean failFast, Path file);

  /** Runs the commands read from stdin, one a line. */
  int stdin(Session session, KittyCommand.Globals globals, boolean failFast);

  /** Opens the interactive shell on the session's terminal. */
  int shell(Session session, KittyCommand.Globals globals);
}
