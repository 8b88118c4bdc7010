package dev.kitty.shell;

import dev.kitty.engine.Candidate;
import dev.kitty.engine.FamilyScan;
import dev.kitty.engine.ScanReport;
import java.io.PrintWriter;

/** The human form of a scan, shared by {@code scan} and {@code doctor}. */
final class CandidateText {

  private CandidateText() {}

  static void print(ScanReport report, PrintWriter out, Ansi ansi) {
    for (FamilyScan fs : report.families()) {
      int n = fs.candidates().size();
      out.println(
          ansi.bold(fs.family().id() + " " + fs.family().range()) + "  "
              + (n == 0 ? ansi.dim("no listeners") : n + (n == 1 ? " listener" : " listeners")));
      for (Candidate c : fs.candidates()) {
        String pid = c.pid() == null ? "?" : Long.toString(c.pid());
        String holders = c.listener().holderPids().size() > 1 ? " (held by " + c.listener().holderPids() + ")" : "";
        String cmd = c.process() == null ? "" : abbreviate(c.process().commandLine(), 60);
        out.printf(
            "  %-5d %-15s pid %-7s %-28s %s%n",
            c.port(), c.listener().address(), pid + holders, ansi.cls(c.cleanupClass(), c.identity().recorded()),
            cmd);
        if (c.identity().skipReason() != null) {
          out.println("        " + ansi.dim(c.identity().source().jsonName() + ": " + c.identity().skipReason()));
        }
      }
    }
    report.warnings().forEach(w -> out.println(ansi.paint("33", "warning: " + w)));
  }

  static String abbreviate(String s, int max) {
    String oneLine = s.replace('\n', ' ');
    return oneLine.length() > max ? oneLine.substring(0, max - 1) + "…" : oneLine;
  }
}
