package dev.kitty.shell.command;

import dev.kitty.engine.model.ScanReport;
import dev.kitty.shell.render.CandidateText;
import dev.kitty.shell.render.ReportJson;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code kitty scan [FAMILY…]}: every listener in the families' ranges, classified. Read-only. */
@Command(
    name = "scan",
    description = "Show what holds the ports of the named families (all when none is named).")
public final class ScanCommand implements Callable<Integer> {

  @ParentCommand KittyCommand root;

  @Mixin FamilyArgs families;

  @Override
  public Integer call() {
    ScanReport report = root.kitty().scan(families.ids);
    root.session().lastScan(report);
    if (root.jsonOutput()) {
      root.out().println(ReportJson.write(ReportJson.scan(report)));
    } else {
      CandidateText.print(report, root.out(), root.ansi());
    }
    return ExitCodes.OK;
  }
}
