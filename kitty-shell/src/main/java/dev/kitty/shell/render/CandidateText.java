package dev.kitty.shell.render;

import dev.kitty.engine.model.Candidate;
import dev.kitty.engine.model.FamilyScan;
import dev.kitty.engine.model.ScanReport;
import java.io.PrintWriter;

/** The human form of a scan, shared by {@code scan} and {@code doctor}. */
public final class CandidateText {

  private CandidateText() {}

  public static void print(ScanReport report, PrintWriter out, Ansi ansi) {
    for (FamilyScan fs : report.families()) {
      int n = fs.candidates().size();
      out.println(
          ansi.bold(fs.family().id() + " " + fs.family().range())
              + "  "
              + (n == 0 ? ansi.dim("no listeners") : n + (n == 1 ? " listener" : " listeners")));
      for (Candidate c : fs.candidates()) {
        String pid = c.pid() == null ? "?" : Long.toString(c.pid());
        String holders =
            c.listener().holderPids().size() > 1
                ? " (held by " + c.listener().holderPids() + ")"
                : "";
        String cmd = c.process() == null ? "" : abbreviate(c.process().commandLine(), 60);
        out.printf(
            "  %-5d %-15s pid %-7s %-28s %s%n",
            c.port(),
            c.listener().address(),
            pid + holders,
            ansi.cls(c.cleanupClass(), c.identity().recorded()),
            cmd);
        if (c.identity().skipReason() != null) {
          out.println(
              "        "
                  + ansi.dim(c.identity().source().jsonName() + ": " + c.identity().skipReason()));
        }
        String identity = identityLine(c.identity().attributes());
        if (!identity.isEmpty()) {
          out.println("        " + ansi.dim(identity));
        }
      }
    }
    report.warnings().forEach(w -> out.println(ansi.paint("33", "warning: " + w)));
  }

  /**
   * The identity fields an operator reads first, compactly: version, root, intent, work, staleness.
   */
  private static String identityLine(java.util.Map<String, Object> a) {
    StringBuilder b = new StringBuilder();
    for (String key :
        new String[] {
          "package_version", "daemon_root", "project_dir", "intent", "in_flight", "stale"
        }) {
      Object v = a.get(key);
      if (v != null) {
        b.append(b.isEmpty() ? "" : "  ").append(key).append(' ').append(v);
      }
    }
    return b.toString();
  }

  public static String abbreviate(String s, int max) {
    String oneLine = s.replace('\n', ' ');
    return oneLine.length() > max ? oneLine.substring(0, max - 1) + "…" : oneLine;
  }
}
