package dev.kitty.shell.command;

import dev.kitty.engine.model.RunawayFinding;
import dev.kitty.shell.render.Ansi;
import dev.kitty.shell.render.ReportJson;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kitty watch [FAMILY...]}: the runaway watchdog. Each round counts the processes of the
 * families' launches against their runaway policy; a finding writes a diagnostic bundle to the
 * state dir and, with {@code --auto-clean}, stops the launches to blame. On a terminal (without
 * {@code --once} or {@code --json}) the rounds are a full-screen view with the port map ({@link
 * WatchScreen}).
 */
@Command(
    name = "watch",
    description = {
      "Watch the families' launches for runaway process counts.",
      "The policy is the family's (webui: more than 10 processes or 3 shell",
      "wrappers); a finding writes a diagnostic bundle to the state dir; --auto-clean",
      "stops the launches to blame. Processes that claim a family without a recorded",
      "launch are listed, never stopped. On a terminal: a full-screen view of the",
      "port map and the findings; q quits. With --once: exit 0 when nothing fired, 3",
      "when something did (1 when a clean-up failed)."
    })
public final class WatchCommand implements Callable<Integer> {

  @ParentCommand KittyCommand root;

  @Parameters(paramLabel = "FAMILY", description = "Families (default: all).")
  List<String> families = new ArrayList<>();

  @Option(
      names = "--interval",
      paramLabel = "SECONDS",
      description = "Seconds between rounds (default 5).")
  double interval = 5;

  @Option(names = "--once", description = "One round, then exit.")
  boolean once;

  @Option(
      names = {"--auto-clean", "--enforce"},
      description = "Stop the launches (stack services) that break the policy or their limits.")
  boolean autoClean;

  @Override
  public Integer call() throws InterruptedException {
    if (interval <= 0 || interval > 3600) {
      throw new dev.kitty.engine.model.KittyException.Usage(
          "--interval must be more than 0 and at most 3600 seconds, got " + interval);
    }
    if (!once && !root.jsonOutput() && root.session().terminal()) {
      return new WatchScreen(root, families, autoClean, interval).run();
    }
    root.kitty();
    while (true) {
      // A long-running command follows the family folders round by round (ADR 33); with --json
      // the changes go to stderr, so that stdout stays one document a round.
      PrintWriter said = root.jsonOutput() ? root.session().err() : root.out();
      root.session().reloadFamilies(false).forEach(said::println);
      said.flush();
      List<RunawayFinding> findings =
          root.kitty().runaway(families, autoClean, true, StopText.progress(root));
      print(findings);
      if (once) {
        boolean failed =
            findings.stream().anyMatch(f -> f.cleaned() != null && !f.cleaned().failed().isEmpty());
        return failed
            ? ExitCodes.FAILED
            : findings.isEmpty() ? ExitCodes.OK : ExitCodes.NEEDS_ACTION;
      }
      Thread.sleep(Duration.ofMillis((long) (interval * 1000)));
    }
  }

  private void print(List<RunawayFinding> findings) {
    if (root.jsonOutput()) {
      root.out().println(ReportJson.write(ReportJson.runaway(findings)));
      return;
    }
    print(findings, root.out(), root.ansi());
  }

  /** The findings as lines: what fired, the bundle, what was left alone, what was cleaned. */
  static void print(List<RunawayFinding> findings, PrintWriter out, Ansi ansi) {
    String now = LocalTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
    if (findings.isEmpty()) {
      out.println(ansi.dim(now + "  no runaway"));
    }
    for (RunawayFinding f : findings) {
      out.println(
          now
              + "  "
              + ansi.paint("31", "runaway " + f.family())
              + ": "
              + String.join(", ", f.fired())
              + " ("
              + f.rssBytes() / (1024 * 1024)
              + " MiB)");
      out.println("  bundle " + f.bundle());
      for (var u : f.unattributed()) {
        out.println(
            "  "
                + ansi.paint("33", "not attributable, left alone: ")
                + u.pid()
                + " "
                + u.commandLine());
      }
      if (f.cleaned() != null) {
        StopText.printArrays(f.cleaned(), out, ansi);
      }
    }
    out.flush();
  }
}
