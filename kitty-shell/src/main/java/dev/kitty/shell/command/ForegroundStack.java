package dev.kitty.shell.command;

import dev.kitty.engine.Kitty;
import dev.kitty.engine.model.StackReport;
import dev.kitty.engine.model.StopProgress;
import dev.kitty.shell.render.Ansi;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code kitty up --foreground}: the stack stays attached to the terminal, as foreman, overmind and
 * process-compose run it. Kitty becomes the subreaper of what it starts (orphaned grandchildren
 * re-parent to it and are reaped, not left to init), prints every service's output prefixed by its
 * name, and brings the whole stack down on Ctrl-C, on SIGTERM, or when the shell cancels the
 * command — exactly once, whichever comes first.
 */
final class ForegroundStack {

  private static final String[] COLORS = {"36", "33", "35", "32", "34", "91", "96", "93"};

  private final KittyCommand root;
  private final Path file;
  private final AtomicBoolean down = new AtomicBoolean();
  private volatile Kitty kitty;

  ForegroundStack(KittyCommand root, Path file) {
    this.root = root;
    this.file = file;
  }

  int run() {
    // The stack is brought down by the engine it was brought up with (ADR 33): families reloaded
    // meanwhile serve the session's next commands.
    kitty = root.kitty();
    PrintWriter out = root.out();
    Ansi ansi = root.ansi();
    boolean reaping = kitty.adoptOrphans(Duration.ofMillis(500));
    Thread onSignal = new Thread(this::bringDown, "kitty-up-foreground-down");
    Runtime.getRuntime().addShutdownHook(onSignal);
    try {
      StackReport up = kitty.up(file, StackText.env(root), line -> out.println("kitty | " + line));
      out.println(
          "kitty | "
              + up.services().size()
              + " services up"
              + (reaping ? "; orphans re-parent to kitty (subreaper)" : "")
              + "; Ctrl-C brings the stack down");
      out.flush();
      Map<String, Long> offsets = new LinkedHashMap<>();
      Map<String, Path> logs = new LinkedHashMap<>();
      int width = 5;
      for (StackReport.Service s : up.services()) {
        if (s.log() != null) {
          logs.put(s.name(), Path.of(s.log()));
          offsets.put(s.name(), 0L);
          width = Math.max(width, s.name().length());
        }
      }
      int i = 0;
      Map<String, String> prefixes = new LinkedHashMap<>();
      for (String name : logs.keySet()) {
        prefixes.put(
            name,
            ansi.paint(
                COLORS[i++ % COLORS.length], name + " ".repeat(width - name.length()) + " | "));
      }
      Map<String, StringBuilder> partial = new LinkedHashMap<>();
      long nextFamilyCheck = System.nanoTime();
      while (!Thread.currentThread().isInterrupted()) {
        if (System.nanoTime() - nextFamilyCheck >= 0) {
          root.session().reloadFamilies(false).forEach(c -> out.println("kitty | " + c));
          nextFamilyCheck = System.nanoTime() + 1_000_000_000L;
        }
        for (var e : logs.entrySet()) {
          offsets.put(
              e.getKey(),
              copy(
                  e.getValue(),
                  offsets.get(e.getKey()),
                  prefixes.get(e.getKey()),
                  partial.computeIfAbsent(e.getKey(), k -> new StringBuilder()),
                  out));
        }
        out.flush();
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return ExitCodes.OK;
    } finally {
      bringDown();
      try {
        Runtime.getRuntime().removeShutdownHook(onSignal);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running: it found the stack already down.
      }
    }
  }

  private void bringDown() {
    if (!down.compareAndSet(false, true)) {
      return;
    }
    PrintWriter out = root.out();
    StackReport r =
        kitty.down(file, false, line -> out.println("kitty | " + line), StopProgress.NONE);
    out.println(
        "kitty | down: "
            + (r.survivors().isEmpty()
                ? "nothing of the stack is left"
                : r.survivors().size() + " processes survive: kitty ps " + file));
    out.flush();
  }

  /** Prints whole new lines of {@code log} with {@code prefix}; returns the new offset. */
  private static long copy(
      Path log, long offset, String prefix, StringBuilder partial, PrintWriter out) {
    try {
      if (!Files.exists(log) || Files.size(log) <= offset) {
        return offset;
      }
      try (InputStream in = Files.newInputStream(log)) {
        in.skipNBytes(offset);
        byte[] rest = in.readNBytes(1 << 20);
        partial.append(new String(rest, StandardCharsets.UTF_8));
        int nl;
        while ((nl = partial.indexOf("\n")) >= 0) {
          out.println(prefix + partial.substring(0, nl));
          partial.delete(0, nl + 1);
        }
        return offset + rest.length;
      }
    } catch (IOException e) {
      return offset;
    }
  }
}
