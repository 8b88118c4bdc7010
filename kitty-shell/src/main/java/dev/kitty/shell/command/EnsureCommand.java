package dev.kitty.shell.command;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code kitty ensure FAMILY [NAME]}: restart a named launch only when it is unhealthy. */
@Command(
    name = "ensure",
    description = {
      "Start a named launch again only if it is not healthy.",
      "Stops what is left of it first; retries with exponential backoff (0, 0.5, 1,",
      "2, 4 s). Exit 1 when all attempts fail."
    })
public final class EnsureCommand implements Callable<Integer> {

  @ParentCommand KittyCommand root;

  @Mixin LaunchName launch;

  @Override
  public Integer call() {
    var r = root.kitty().ensureLaunch(launch.family, launch.name(), StopText.progress(root));
    if (!r.reused()) {
      root.session().started(launch.family, launch.name());
    }
    return LaunchText.print(root, r, "started again");
  }
}
