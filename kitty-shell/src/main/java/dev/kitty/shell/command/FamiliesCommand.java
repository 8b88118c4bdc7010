package dev.kitty.shell.command;

import dev.kitty.engine.Kitty;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.Rejection;
import dev.kitty.shell.render.Ansi;
import dev.kitty.shell.render.ReportJson;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code kitty families [--explain]}: the loaded families and the rejected ones. */
@Command(
    name = "families",
    description = "List the daemon families, their ranges and where they come from.")
public final class FamiliesCommand implements Callable<Integer> {

  @ParentCommand KittyCommand root;

  @Option(
      names = "--explain",
      description = "Also show each family's stop plan, runaway policy and launch spec.")
  boolean explain;

  @Override
  public Integer call() {
    Kitty kitty = root.kitty();
    PrintWriter out = root.out();
    if (root.jsonOutput()) {
      out.println(ReportJson.write(ReportJson.families(kitty, explain)));
      return ExitCodes.OK;
    }
    Ansi ansi = root.ansi();
    out.println(
        ansi.bold(String.format("%-12s %-15s %-16s %s", "FAMILY", "RANGE", "VERSION", "SOURCE")));
    // The explanation is the JSON document's, so both forms always say the same.
    var explained = explain ? ReportJson.families(kitty, true).get("families") : null;
    for (int i = 0; i < kitty.families().size(); i++) {
      FamilyInfo f = kitty.families().get(i);
      out.printf("%-12s %-15s %-16s %s%n", f.id(), f.range(), f.version(), f.source());
      out.println("  " + ansi.dim(f.family().description()));
      if (explained != null) {
        var node = explained.get(i);
        out.println("  stop plan: " + ReportJson.write(node.get("stop_plan")));
        out.println("  runaway:   " + ReportJson.write(node.get("runaway_policy")));
        out.println("  launch:    " + ReportJson.write(node.get("launch")));
      }
    }
    if (!kitty.rejected().isEmpty()) {
      out.println();
      out.println(ansi.bold("REJECTED"));
      for (Rejection r : kitty.rejected()) {
        out.println("  " + (r.id() == null ? "?" : r.id()) + "  " + r.source());
        out.println("    " + ansi.paint("31", r.reason()));
      }
    }
    return ExitCodes.OK;
  }
}
