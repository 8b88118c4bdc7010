package dev.kitty.shell;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.testkit.TrackedProcesses;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Headless Chromium (installed by .ci/run) with the flags this closed network needs. */
final class Chromium {

  private Chromium() {}

  /** Runs Chromium on {@code url} with {@code extra} flags; answers its stdout. */
  static String run(TrackedProcesses procs, Path scratch, String url, String... extra)
      throws Exception {
    Path profile = Files.createTempDirectory(scratch, "chromium");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                "--virtual-time-budget=15000"));
    cmd.addAll(List.of(extra));
    cmd.add(url);
    Process c = procs.start(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD));
    // Read on a thread of its own: a browser that hangs fails the test in a minute instead of
    // holding it until the build's own timeout.
    var out =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (java.io.IOException e) {
                return "";
              }
            });
    boolean finished = c.waitFor(60, TimeUnit.SECONDS);
    if (!finished) {
      c.destroyForcibly();
    }
    assertTrue(finished, "chromium finished within 60 s on " + url);
    return out.get(10, TimeUnit.SECONDS);
  }
}
