package dev.kitty.shell.command;

import dev.kitty.engine.model.ProcessTreeReport;
import dev.kitty.shell.render.Ansi;
import dev.kitty.shell.render.CandidateText;
import dev.kitty.shell.render.ReportJson;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code kitty tree PID}: the process tree around PID, with the ports and families it touches. */
@Command(name = "tree", description = "Show the process tree around PID with family annotations.")
public final class TreeCommand implements Callable<Integer> {

  @ParentCommand KittyCommand root;

  @Parameters(paramLabel = "PID", description = "A process id.")
  long pid;

  @Override
  public Integer call() {
    ProcessTreeReport tree = root.kitty().tree(pid);
    PrintWriter out = root.out();
    if (root.jsonOutput()) {
      out.println(ReportJson.write(ReportJson.tree(tree)));
      return ExitCodes.OK;
    }
    Ansi ansi = root.ansi();
    for (ProcessTreeReport.Node n : tree.nodes()) {
      StringBuilder line = new StringBuilder();
      line.append("  ".repeat(n.depth())).append(n.depth() == 0 ? "" : "└─ ");
      String head =
          n.process().pid() + " " + CandidateText.abbreviate(n.process().commandLine(), 70);
      line.append(n.target() ? ansi.bold(head) : head);
      if (!n.ports().isEmpty()) {
        line.append(ansi.paint("36", "  ports " + n.ports()));
      }
      if (!n.families().isEmpty()) {
        line.append(ansi.paint("35", "  " + String.join(",", n.families())));
      }
      String launch = n.process().cookies().get("KITTY_LAUNCH_ID");
      if (launch != null) {
        line.append(ansi.dim("  launch " + launch));
      }
      out.println(line);
    }
    return ExitCodes.OK;
  }
}
