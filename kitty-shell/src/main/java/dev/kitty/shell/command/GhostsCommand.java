package dev.kitty.shell.command;

import dev.kitty.engine.model.GhostSocket;
import dev.kitty.shell.render.ReportJson;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code kitty ghosts [FAMILY…]}: listening sockets held by more than one process. */
@Command(
    name = "ghosts",
    description = "List listening sockets held by several processes (inherited by children).")
public final class GhostsCommand implements Callable<Integer> {

  @ParentCommand KittyCommand root;

  @Mixin FamilyArgs families;

  @Override
  public Integer call() {
    List<GhostSocket> ghosts = root.kitty().ghosts(families.ids);
    if (root.jsonOutput()) {
      root.out().println(ReportJson.write(ReportJson.ghosts(ghosts)));
    } else if (ghosts.isEmpty()) {
      root.out().println("no ghost sockets");
    } else {
      for (GhostSocket g : ghosts) {
        root.out()
            .println(
                g.daemonFamily()
                    + " "
                    + g.address()
                    + ":"
                    + g.port()
                    + "  holders "
                    + g.holderPids()
                    + "  "
                    + g.reason());
        root.out().println("  fix: kitty doctor " + g.daemonFamily() + " --reset");
      }
    }
    return ExitCodes.OK;
  }
}
