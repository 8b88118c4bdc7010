package dev.kitty.shell.command;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code kitty down [FILE] [--force]}: every process of the stack gone, verified. */
@Command(
    name = "down",
    description = {
      "Stop a dev stack and verify that no process of it is left.",
      "Per service: TERM to its group, its stop grace, then freeze and KILL whatever",
      "still carries the stack's cookie or is in its session. Exit 1 naming anything",
      "that survives."
    })
public final class DownCommand implements Callable<Integer> {

  @ParentCommand KittyCommand root;

  @Mixin StackFileArg stackFile;

  @Option(names = "--force", description = "No grace: freeze and KILL at once.")
  boolean force;

  @Override
  public Integer call() {
    Path stack = stackFile.resolve(false);
    return StackText.print(
        root,
        root.kitty().down(stack, force, StackText.progress(root), StopText.progress(root)),
        "down");
  }
}
