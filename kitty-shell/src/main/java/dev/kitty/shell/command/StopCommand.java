package dev.kitty.shell.command;

import dev.kitty.engine.model.KittyException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code kitty stop FAMILY NAME|--all}: a named launch, wrappers first, verified. */
@Command(
    name = "stop",
    description = {
      "Stop a named launch, its shell wrappers first, and verify nothing of it is left.",
      "Freezes the tree, kills the wrappers (so nothing respawns), then the rest;",
      "checks that no member is alive and the port is free. Exit 1 when anything",
      "survives, naming it."
    })
public final class StopCommand implements Callable<Integer> {

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
