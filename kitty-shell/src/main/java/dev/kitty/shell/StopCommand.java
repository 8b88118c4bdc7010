package dev.kitty.shell;

import dev.kitty.engine.KittyException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code kitty stop FAMILY NAME|--all}: a named launch, wrappers first, verified. */
@Command(
    name = "stop",
    description = {
      "Stop a named launch: freeze its tree, kill its wrappers first, then the rest; verify that",
      "no member is alive and its port is free. Exit 1 when anything survives."
    })
final class StopCommand implements Callable<Integer> {

  @ParentCommand KittyCommand root;

  @Mixin LaunchName launch;

  @Option(names = "--all", description = "Every launch of the family on record.")
  boolean all;

  @Override
  public Integer call() {
    if (all && launch.name != null) {
      throw new KittyException.Usage("give a launch name or --all, not both");
    }
    String which = all ? null : launch.name();
    return StopText.print(root, root.kitty().stop(launch.family, which, StopText.progress(root)));
  }
}
