package dev.kitty.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.testkit.TrackedProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A bounded soak (issue 10): one kitty batch session runs ROUNDS rounds of start, restart, ensure
 * and stop of a named launch, sync ensure, a dashboard started and stopped, and a two-service stack
 * up and down (100 rounds, ≈ 2 minutes, in CI; {@code -Dkitty.soak.rounds=N} for longer). A sampler
 * reads kitty's own open fds and threads ({@code /proc}) and its live heap after a full GC ({@code
 * jcmd}) every few seconds: they must stay flat, and nothing the rounds started may be left.
 */
class SoakIT {

  private static final int ROUNDS = Integer.getInteger("kitty.soak.rounds", 100);

  @RegisterExtension final TrackedProcesses procs = new TrackedProcesses();

  @TempDir Path home;

  record Sample(long fds, long threads, long heapKb) {}

  @Test
  void roundsOfEveryFamilysLifecycleLeaveKittyFlatAndNothingBehind() throws Exception {
    Path project = Files.createDirectories(home.resolve("shop")).toRealPath();
    int a = TrackedProcesses.freePort(3000, 3050);
    int b = TrackedProcesses.freePort(3050, 3100);
    Path stack = CrashConsistencyIT.twoServiceStack(home, a, b);
    String round =
        String.join(
            "\n",
            String.join(" ", WebuiFamilyIT.direct("soak")),
            "restart webui soak",
            "ensure webui soak",
            "stop webui soak",
            "sync ensure",
            "dashboard --project " + project,
            "dashboard --project " + project + " --stop",
            "up " + stack,
            "down " + stack,
            "");
    Path script = home.resolve("soak.kitty");
    Files.writeString(script, round.repeat(ROUNDS));
    int perRound = (int) round.lines().count();

    Process kitty =
        SyncDaemons.startKitty(procs, home, Map.of(), "--json", "--batch", script.toString());
    List<Sample> samples = new ArrayList<>();
    Thread sampler =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  while (kitty.isAlive()) {
                    sample(kitty.pid()).ifPresent(samples::add);
                    try {
                      Thread.sleep(4_000);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
    KittyRun.Result r =
        SyncDaemons.finish(
            kitty,
            Duration.ofSeconds(120 + 5L * ROUNDS), // a round takes ≈ 1 s here
            "--json",
            "--batch",
            script.toString());
    sampler.interrupt();
    sampler.join();

    List<JsonNode> docs = new ArrayList<>();
    r.out().lines().filter(l -> !l.isBlank()).forEach(l -> docs.add(KittyRun.JSON.readTree(l)));
    assertEquals(0, r.code(), "every command of every round succeeded: " + r.err());
    assertEquals(ROUNDS * perRound, docs.size(), "one JSON document per command");

    // Flat: after the first rounds (class loading, caches filling), nothing grows with the rounds.
    List<Sample> s = List.copyOf(samples);
    assertTrue(s.size() >= 6, "enough samples: " + s);
    // Commands are in flight when a sample is taken, so single samples jump (live heap 6–17 MB
    // here); a leak shows as the second half's median above the first half's.
    List<Sample> warm = s.subList(2, s.size());
    List<Sample> first = warm.subList(0, warm.size() / 2);
    List<Sample> second = warm.subList(warm.size() / 2, warm.size());
    String trace = "samples (fds, threads, live heap KB): " + s;
    System.out.println("soak: " + ROUNDS + " rounds, " + docs.size() + " commands; " + trace);
    assertTrue(
        median(second, Sample::fds) <= median(first, Sample::fds) + 3,
        "kitty's open fds grew: " + trace);
    assertTrue(
        median(second, Sample::threads) <= median(first, Sample::threads) + 2,
        "kitty's threads grew: " + trace);
    assertTrue(
        median(second, Sample::heapKb) <= median(first, Sample::heapKb) + 4 * 1024,
        "kitty's live heap grew: " + trace);

    // The sync singleton stays by design (one per scope, reused every round); nothing else may.
    for (String family : List.of("webui", "dashboard", "devstack")) {
      TrackedProcesses.await(
          "nothing of " + family + " the rounds started",
          Duration.ofSeconds(15),
          () ->
              WebuiFamilyIT.carriers(
                      "KITTY_STATE_DIR=" + home.resolve("state"), "KITTY_FAMILY=" + family)
                  .isEmpty());
    }
    assertEquals(
        1,
        WebuiFamilyIT.carriers("KITTY_STATE_DIR=" + home.resolve("state"), "KITTY_FAMILY=sync")
            .size(),
        "one sync daemon for all the rounds' sync ensure");
  }

  private static long median(List<Sample> samples, java.util.function.ToLongFunction<Sample> f) {
    long[] v = samples.stream().mapToLong(f).sorted().toArray();
    return v[v.length / 2];
  }

  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  /** kitty's open fds, threads, and live heap after a full GC; empty if it ended meanwhile. */
  private java.util.Optional<Sample> sample(long pid) {
    try {
      long fds;
      try (var list = Files.list(Path.of("/proc/" + pid + "/fd"))) {
        fds = list.count();
      }
      long threads =
          Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
              .filter(l -> l.startsWith("Threads:"))
              .mapToLong(l -> Long.parseLong(l.substring(8).strip()))
              .findFirst()
              .orElse(-1);
      jcmd(pid, "GC.run");
      String info = jcmd(pid, "GC.heap_info");
      // G1 prints the whole heap on its first line; Serial one line per generation.
      long heap = 0;
      for (String line : info.lines().toList()) {
        Matcher m = USED.matcher(line);
        if (!line.startsWith(" ") && m.find()) {
          heap += Long.parseLong(m.group(1));
          if (line.contains("garbage-first")) {
            break;
          }
        }
      }
      return java.util.Optional.of(new Sample(fds, threads, heap));
    } catch (IOException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }

  private String jcmd(long pid, String command) throws IOException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = procs.start(jcmd.toString(), Long.toString(pid), command);
    try {
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor(30, TimeUnit.SECONDS);
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
