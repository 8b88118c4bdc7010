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
    String out = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(c.waitFor(60, TimeUnit.SECONDS), "chromium finished");
    return out;
  }
}
