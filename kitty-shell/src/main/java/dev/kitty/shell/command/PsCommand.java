package dev.kitty.shell.command;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code kitty ps [FILE]}: each service's process tree with state, memory and CPU. */
@Command(
    name = "ps",
    description = "Show each service of a dev stack as a process tree with RSS, CPU and totals.")
public final class PsCommand implements Callable<Integer> {

  @ParentCommand KittyCommand root;

  @Mixin StackFileArg stackFile;

  @Override
  public Integer call() {
    return StackText.printPs(root, root.kitty().ps(stackFile.resolve(false)));
  }
}
