package dev.kitty.shell.command;

import dev.kitty.engine.model.DoctorReport;
import dev.kitty.engine.model.GhostSocket;
import dev.kitty.engine.model.StateRecord;
import dev.kitty.shell.render.Ansi;
import dev.kitty.shell.render.CandidateText;
import dev.kitty.shell.render.ReportJson;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kitty doctor [FAMILY…]}: the scan plus kitty's records, ghost sockets and one fixing
 * command per family that needs one. Read-only; exits 3 when something needs action.
 */
@Command(
    name = "doctor",
    description = {
      "Diagnose the named families (all when none is named).",
      "Exit 0 when all is well, 3 when something needs action."
    })
public final class DoctorCommand implements Callable<Integer> {

  @ParentCommand KittyCommand root;

  @Mixin FamilyArgs families;

  @Option(
      names = "--reset",
      description =
          "Stop the safe_auto and operator_required candidates; skip never_touch and recorded daemons.")
  boolean reset;

  @Option(
      names = "--dry-run",
      description = "With --reset: show what would be stopped; signal nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    if (reset) {
      return StopText.print(
          root, root.kitty().reset(families.ids, dryRun, StopText.progress(root)));
    }
    if (dryRun) {
      root.session().err().println("kitty: --dry-run goes with --reset");
      return ExitCodes.USAGE;
    }
    DoctorReport report = root.kitty().doctor(families.ids);
    root.session().lastScan(report.scan());
    int code = report.needsAction() ? ExitCodes.NEEDS_ACTION : ExitCodes.OK;
    PrintWriter out = root.out();
    if (root.jsonOutput()) {
      out.println(ReportJson.write(ReportJson.doctor(report)));
      return code;
    }
    Ansi ansi = root.ansi();
    CandidateText.print(report.scan(), out, ansi);
    if (!report.ghosts().isEmpty()) {
      out.println(ansi.bold("ghost sockets"));
      for (GhostSocket g : report.ghosts()) {
        out.println(
            "  "
                + g.daemonFamily()
                + " port "
                + g.port()
                + ": owner "
                + g.ownerPid()
                + ", holders "
                + g.holderPids());
      }
    }
    for (var l : report.launches()) {
      if (l.needsAttention()) {
        out.println(
            ansi.bold("launch " + l.family() + " " + l.name())
                + "  "
                + ansi.paint("33", l.state())
                + "  "
                + l.members().size()
                + " process(es) alive"
                + (l.error() == null ? "" : "; " + l.error()));
      }
    }
    if (!report.orphanCells().isEmpty()) {
      out.println(ansi.bold("orphaned cgroups"));
      for (var c : report.orphanCells()) {
        out.println(
            "  "
                + ansi.paint("33", c.cleanupClass().jsonName())
                + "  "
                + c.cgroup()
                + "  pids "
                + c.pids()
                + "  "
                + ansi.dim(c.reason()));
      }
    }
    if (!report.runaway().isEmpty()) {
      out.println(ansi.bold("runaway"));
      report.runaway().forEach(r -> out.println("  " + ansi.paint("31", r)));
    }
    out.println(ansi.dim("platform " + report.platform() + ", signals via " + report.signaller()));
    out.println(ansi.dim("containment: " + report.containment()));
    out.println(
        ansi.bold("records")
            + "  "
            + (report.records().isEmpty() ? ansi.dim("none") : report.records().size()));
    for (StateRecord r : report.records()) {
      out.println("  " + r.file() + (r.error() == null ? "" : "  " + ansi.paint("31", r.error())));
    }
    if (code == ExitCodes.OK) {
      out.println(ansi.paint("32", "nothing needs action"));
    } else {
      out.println(ansi.bold("to fix"));
      report.remediation().forEach(r -> out.println("  " + r));
    }
    return code;
  }
}
