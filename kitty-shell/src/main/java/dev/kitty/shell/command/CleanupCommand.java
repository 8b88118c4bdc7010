package dev.kitty.shell.command;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code kitty cleanup [FAMILY…]}: stops the provably stale daemons ({@code safe_auto}) only. */
@Command(
    name = "cleanup",
    description = {
      "Stop the safe_auto candidates of the named families (all when none is named).",
      "Exit 1 when any stop failed."
    })
public final class CleanupCommand implements Callable<Integer> {

  @ParentCommand KittyCommand root;

  @Mixin FamilyArgs families;

  @Option(names = "--dry-run", description = "Show what would be stopped; signal nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    return StopText.print(
        root, root.kitty().cleanup(families.ids, dryRun, StopText.progress(root)));
  }
}
