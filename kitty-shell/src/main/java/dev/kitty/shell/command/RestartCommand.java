package dev.kitty.shell.command;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code kitty restart FAMILY [NAME]}: stop verified, then start with the recorded command. */
@Command(
    name = "restart",
    description = {
      "Stop a named launch (verified), then start it again as recorded.",
      "Exit 1 when the stop leaves survivors (nothing is started then) or the start",
      "fails."
    })
public final class RestartCommand implements Callable<Integer> {

  @ParentCommand KittyCommand root;

  @Mixin LaunchName launch;

  @Override
  public Integer call() {
    var r = root.kitty().restart(launch.family, launch.name(), StopText.progress(root));
    root.session().started(launch.family, launch.name());
    return LaunchText.print(root, r, "restarted");
  }
}
