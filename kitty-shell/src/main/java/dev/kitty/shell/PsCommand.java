package dev.kitty.shell;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code kitty ps [FILE]}: each service's process tree with state, memory and CPU. */
@Command(
    name = "ps",
    description = "Show each service of a dev stack as a process tree with RSS, CPU and totals.")
final class PsCommand implements Callable<Integer> {

  @ParentCommand KittyCommand root;

  @Parameters(
      arity = "0..1",
      paramLabel = "FILE",
      description = "The stack file (default: kitty-stack.json or Procfile here).")
  Path file;

  @Override
  public Integer call() {
    return StackText.printPs(root, root.kitty().ps(StackText.resolve(file, false)));
  }
}
