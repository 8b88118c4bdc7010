package dev.kitty.shell.command;

import dev.kitty.engine.Kitty;
import dev.kitty.engine.model.RunawayFinding;
import dev.kitty.engine.model.ScanReport;
import dev.kitty.engine.model.StopProgress;
import dev.kitty.shell.render.Ansi;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;

/**
 * {@code kitty watch} on a terminal: a full-screen view, refreshed every interval, of the port map
 * and the runaway findings, like {@code top}. {@code q} (or Ctrl-C, or the end of input) leaves and
 * restores the screen as it was. Uses the shell's terminal inside the shell, its own otherwise.
 */
final class WatchScreen {

  private final KittyCommand root;
  private final List<String> families;
  private final boolean autoClean;
  private final double interval;

  WatchScreen(KittyCommand root, List<String> families, boolean autoClean, double interval) {
    this.root = root;
    this.families = List.copyOf(families);
    this.autoClean = autoClean;
    this.interval = interval;
  }

  int run() {
    Terminal shared = root.session().screen();
    try {
      if (shared != null) {
        return show(shared);
      }
      try (Terminal own = TerminalBuilder.builder().system(true).name("kitty-watch").build()) {
        return show(own);
      }
    } catch (IOException e) {
      throw new dev.kitty.engine.model.KittyException.Failed(
          "cannot open the terminal: " + e.getMessage());
    }
  }

  private int show(Terminal terminal) throws IOException {
    Attributes saved = terminal.enterRawMode();
    terminal.puts(Capability.enter_ca_mode);
    terminal.puts(Capability.cursor_invisible);
    Ansi ansi = root.ansi();
    Kitty kitty = root.kitty();
    NonBlockingReader keys = terminal.reader();
    try {
      List<String> changes = List.of();
      while (!Thread.currentThread().isInterrupted()) {
        // The family folders, round by round (ADR 33): what changed is shown in the next frame.
        List<String> now = root.session().reloadFamilies(false);
        if (!now.isEmpty()) {
          changes = now;
          kitty = root.kitty();
        }
        List<RunawayFinding> findings = kitty.runaway(families, autoClean, true, StopProgress.NONE);
        ScanReport scan = kitty.scan(families);
        root.session().lastScan(scan);
        StringWriter frame = new StringWriter();
        PrintWriter out = new PrintWriter(frame);
        out.println(
            ansi.bold("kitty watch")
                + "  "
                + LocalTime.now().truncatedTo(ChronoUnit.SECONDS)
                + ansi.dim("  every " + interval + " s — q quits"));
        changes.forEach(c -> out.println(ansi.dim(c)));
        out.println();
        MapCommand.draw(scan, out, ansi);
        out.println();
        WatchCommand.print(findings, out, ansi);
        out.flush();
        terminal.puts(Capability.clear_screen);
        // Raw mode may leave output post-processing off: end lines explicitly.
        terminal.writer().print(frame.toString().replace("\n", "\r\n"));
        terminal.flush();
        int key = keys.read((long) (interval * 1000));
        if (key == 'q' || key == 'Q' || key == NonBlockingReader.EOF) {
          break;
        }
      }
    } catch (InterruptedIOException interrupted) {
      // Ctrl-C in the shell: leave the view.
    } finally {
      terminal.puts(Capability.cursor_visible);
      terminal.puts(Capability.exit_ca_mode);
      terminal.setAttributes(saved);
      terminal.flush();
    }
    return ExitCodes.OK;
  }
}
