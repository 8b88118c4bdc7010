package dev.kitty.shell.interactive;

import dev.kitty.shell.command.KittyCommand;
import dev.kitty.shell.command.Session;
import picocli.CommandLine;

/**
 * How a front end gets the command tree it runs a line with: the batch runner and the shell are
 * given one by the code that builds the tree, so they do not depend on it (ADR 28).
 */
public interface CommandTree {

  /** The whole tree: for the shell, completion and help. */
  CommandLine whole(Session session, KittyCommand.Globals inherited);

  /** The tree one command line needs. */
  CommandLine forArgs(Session session, KittyCommand.Globals inherited, String[] args);
}
