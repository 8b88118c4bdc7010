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

/**
 * {@code kitty families [--explain]}: the loaded families and the rejected ones; {@code families
 * reload} reads the family folders again first (ADR 33).
 */
@Command(
    name = "families",
    description = "List the daemon families, their ranges and where they come from.",
    subcommands = FamiliesCommand.Reload.class)
public final class FamiliesCommand implements Callable<Integer> {

  /**
   * {@code kitty families reload}: the family folders read again now — new jars loaded, removed
   * ones dropped, changed ones replaced — each change said, then the list. The shell does this by
   * itself before each command when a folder changed; a batch only when it says so.
   */
  @Command(
      name = "reload",
      description = "Read the family folders again now: load new jars, drop removed ones.")
  public static final class Reload implements Callable<Integer> {
    @ParentCommand FamiliesCommand parent;

    @Override
    public Integer call() {
      KittyCommand root = parent.root;
      root.kitty();
      return parent.print(root.session().reloadFamilies(true));
    }
  }

  @ParentCommand KittyCommand root;

  @Option(
      names = "--explain",
      description = "Also show each family's stop plan, runaway policy and launch spec.")
  boolean explain;

  @Override
  public Integer call() {
    return print(null);
  }

  /** The list, after the {@code changes} a reload made (null: no reload asked). */
  private int print(java.util.List<String> changes) {
    Kitty kitty = root.kitty();
    PrintWriter out = root.out();
    if (root.jsonOutput()) {
      var doc = ReportJson.families(kitty, explain);
      if (changes != null) {
        changes.forEach(doc.putArray("changes")::add);
      }
      out.println(ReportJson.write(doc));
      return ExitCodes.OK;
    }
    Ansi ansi = root.ansi();
    if (changes != null) {
      changes.forEach(out::println);
      if (changes.isEmpty()) {
        out.println(ansi.dim("the family folders did not change"));
      }
    }
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
