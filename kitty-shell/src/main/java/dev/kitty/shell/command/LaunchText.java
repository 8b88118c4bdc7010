package dev.kitty.shell.command;

import dev.kitty.engine.model.LaunchReport;
import dev.kitty.shell.render.Ansi;
import dev.kitty.shell.render.ReportJson;
import java.io.PrintWriter;

/** Output shared by {@code start}, {@code restart} and {@code ensure}. */
final class LaunchText {

  private LaunchText() {}

  static int print(KittyCommand root, LaunchReport r, String verb) {
    PrintWriter out = root.out();
    if (root.jsonOutput()) {
      out.println(ReportJson.write(ReportJson.launch(r)));
      return ExitCodes.OK;
    }
    Ansi ansi = root.ansi();
    out.println(
        ansi.bold(r.family() + " " + r.name())
            + "  pid "
            + r.pid()
            + (r.wrapperPid() > 0 ? " (wrapper " + r.wrapperPid() + ")" : "")
            + " on port "
            + r.port()
            + "  "
            + (r.reused() ? ansi.dim("already running") : ansi.paint("32", verb)));
    if (!r.stopped().swept().isEmpty() || !r.stopped().failed().isEmpty()) {
      out.println(ansi.dim("stopped first:"));
      StopText.printArrays(r.stopped(), out, ansi);
    }
    r.notes().forEach(n -> out.println(ansi.paint("33", "note: " + n)));
    return ExitCodes.OK;
  }
}
