package dev.kitty.shell.command;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kitty shell}: the interactive shell (also what {@code kitty} alone opens on a terminal).
 */
@Command(name = "shell", description = "Open the interactive shell.")
public final class ShellCommand implements Callable<Integer> {

  @ParentCommand KittyCommand root;

  @Override
  public Integer call() {
    if (!root.session().terminal()) {
      root.session()
          .err()
          .println("kitty: the shell needs a terminal; pipe commands to kitty instead");
      return ExitCodes.USAGE;
    }
    return root.frontEnds().shell(root.session(), root.globals());
  }
}
