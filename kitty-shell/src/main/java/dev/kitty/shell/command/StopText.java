package dev.kitty.shell.command;

import dev.kitty.engine.model.StopProgress;
import dev.kitty.engine.model.StopReport;
import dev.kitty.shell.render.Ansi;
import dev.kitty.shell.render.ReportJson;
import java.io.PrintWriter;

/** Output shared by {@code cleanup}, {@code doctor --reset} and {@code kill}. */
final class StopText {

  private StopText() {}

  /** Prints the report and returns the contract's exit code (1 when anything failed). */
  static int print(KittyCommand root, StopReport r) {
    PrintWriter out = root.out();
    if (root.jsonOutput()) {
      out.println(ReportJson.write(ReportJson.stop(r)));
    } else {
      printArrays(r, out, root.ansi());
    }
    return r.anyFailed() ? ExitCodes.FAILED : ExitCodes.OK;
  }

  /** The three arrays in human form, compactly. */
  static void printArrays(StopReport r, PrintWriter out, Ansi ansi) {
    String verb = r.dryRun() ? "would stop" : "swept";
    out.println(ansi.bold(verb) + "  " + r.swept().size());
    r.swept()
        .forEach(
            e ->
                out.println(
                    "  "
                        + ansi.paint("32", line(e))
                        + "  "
                        + ansi.dim(e.path() + ": " + e.reason())));
    out.println(ansi.bold("skipped") + "  " + r.skipped().size());
    r.skipped().forEach(e -> out.println("  " + line(e) + "  " + ansi.dim(e.reason())));
    out.println(ansi.bold("failed") + "  " + r.failed().size());
    r.failed().forEach(e -> out.println("  " + ansi.paint("31", line(e) + "  " + e.reason())));
    if (!r.cells().isEmpty()) {
      out.println(ansi.bold("orphaned cgroups") + "  " + r.cells().size());
    }
    for (StopReport.CellOutcome c : r.cells()) {
      String line =
          c.outcome() + "  " + c.cell().cgroup() + "  pids " + c.cell().pids() + "  " + c.reason();
      out.println(
          "  "
              + (c.outcome().equals("failed")
                  ? ansi.paint("31", line)
                  : c.outcome().equals("killed") ? ansi.paint("32", line) : line));
    }
    if (r.dryRun()) {
      out.println(ansi.dim("dry run: nothing was signalled"));
    }
  }

  private static String line(StopReport.Entry e) {
    Object version = e.candidate().identity().attributes().get("package_version");
    return e.candidate().daemonFamily()
        + " port "
        + e.candidate().port()
        + " pid "
        + e.candidate().pid()
        + (version == null ? "" : " v" + version);
  }

  /** A progress line on stderr while waiting, only on a terminal and never with --json. */
  static StopProgress progress(KittyCommand root) {
    if (!root.session().terminal() || root.jsonOutput()) {
      return StopProgress.NONE;
    }
    PrintWriter err = root.session().err();
    return (what, alive, remaining) -> {
      err.printf("\r  waiting for %d %s (%.1f s left)   ", alive, what, remaining / 1000.0);
      err.flush();
    };
  }
}
