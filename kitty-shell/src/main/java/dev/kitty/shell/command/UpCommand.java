package dev.kitty.shell.command;

import dev.kitty.engine.model.StackReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code kitty up [FILE] [--foreground]}: a dev stack started so that it can never be lost. */
@Command(
    name = "up",
    description = {
      "Start a dev stack (kitty-stack.json or Procfile) so that nothing of it can be lost.",
      "Dependencies first, each service healthy before what needs it starts; services",
      "already running are reused. When one fails, what this up started is stopped",
      "again (exit 1)."
    })
public final class UpCommand implements Callable<Integer> {

  @ParentCommand KittyCommand root;

  @Mixin StackFileArg stackFile;

  @Option(
      names = "--foreground",
      description =
          "Stay attached: print the services' output prefixed by name; Ctrl-C brings it down.")
  boolean foreground;

  @Override
  public Integer call() {
    Path stack = stackFile.resolve(true);
    if (foreground) {
      return new ForegroundStack(root, stack).run();
    }
    StackReport r = root.kitty().up(stack, StackText.env(root), StackText.progress(root));
    return StackText.print(root, r, "up");
  }
}
