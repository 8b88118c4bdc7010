package dev.kitty.shell.command;

import dev.kitty.engine.model.StopReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code kitty kill PID --family F}: one operator kill, through the same safety gate. */
@Command(
    name = "kill",
    description = {
      "Stop one process of a family with the family's stop plan, through the safety gate.",
      "Exit 1 when it was not stopped."
    })
public final class KillCommand implements Callable<Integer> {

  @ParentCommand KittyCommand root;

  @Parameters(paramLabel = "PID", description = "The process to stop.")
  long pid;

  @Option(
      names = "--family",
      required = true,
      paramLabel = "F",
      description = "The family whose range it listens in.")
  String family;

  @Option(names = "--dry-run", description = "Show what would be done; signal nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    StopReport r = root.kitty().kill(pid, family, dryRun, StopText.progress(root));
    int code = StopText.print(root, r);
    // The operator asked for this one process: not stopping it is a failure even when it was
    // refused.
    return code == ExitCodes.OK && r.swept().isEmpty() ? ExitCodes.FAILED : code;
  }
}
