package dev.kitty.shell.command;

import dev.kitty.engine.model.LaunchStatus;
import dev.kitty.shell.render.Ansi;
import dev.kitty.shell.render.ReportJson;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code kitty status [FAMILY...]}: every named launch on record and what is alive of it. */
@Command(
    name = "status",
    description = {
      "Show every named launch on record and what is alive of it.",
      "Also launches whose kitty process died: record, state on the machine,",
      "processes, zombies. Exit 0 when all that should run does, 3 otherwise."
    })
public final class StatusCommand implements Callable<Integer> {

  @ParentCommand KittyCommand root;

  @Parameters(paramLabel = "FAMILY", description = "Families (default: all).")
  List<String> families = new ArrayList<>();

  @Override
  public Integer call() {
    List<String> warnings = new ArrayList<>();
    List<LaunchStatus> all = root.kitty().status(families, warnings);
    boolean attention = !warnings.isEmpty() || all.stream().anyMatch(LaunchStatus::needsAttention);
    int code = attention ? ExitCodes.NEEDS_ACTION : ExitCodes.OK;
    PrintWriter out = root.out();
    if (root.jsonOutput()) {
      out.println(ReportJson.write(ReportJson.status(all, warnings)));
      return code;
    }
    Ansi ansi = root.ansi();
    if (all.isEmpty()) {
      out.println(ansi.dim("no launches on record"));
    }
    for (LaunchStatus l : all) {
      String colour =
          switch (l.state()) {
            case "running" -> "32";
            case "stopped" -> "2";
            default -> "33";
          };
      out.println(
          ansi.bold(l.family() + " " + l.name())
              + "  "
              + ansi.paint(colour, l.state())
              + "  port "
              + l.port()
              + "  pid "
              + l.pid()
              + (l.wrapperPid() > 0 ? " wrapper " + l.wrapperPid() : "")
              + "  "
              + l.members().size()
              + " process(es), "
              + l.restarts()
              + " restart(s)");
      out.println("  " + ansi.dim(String.join(" ", l.command())));
      if (l.error() != null) {
        out.println("  " + ansi.paint("31", l.error()));
      }
      for (var m : l.members()) {
        out.println("    " + m.pid() + "  " + ansi.dim(m.commandLine()));
      }
      if (!l.zombies().isEmpty()) {
        out.println(
            "  "
                + ansi.paint("33", "zombies (exited, not reaped by their parent): " + l.zombies())
                + ansi.dim("; they go when their parent does"));
      }
    }
    warnings.forEach(w -> out.println(ansi.paint("33", "warning: " + w)));
    return code;
  }
}
