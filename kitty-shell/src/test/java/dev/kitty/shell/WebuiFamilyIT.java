package dev.kitty.shell;

import static dev.kitty.shell.SyncDaemons.alive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.testkit.TrackedProcesses;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Seed 002 ("WebUI shell wrapper leaks workers") on real processes: a Python WebUI that starts
 * worker interpreters, launched through {@code sh -c} (in a respawn loop where the test says so) by
 * real kitty processes. What is alive is checked from {@code /proc} directly, by the launch cookie
 * and this test's state folder, never through kitty's own view.
 */
class WebuiFamilyIT {

  static final Path FIXTURE = Path.of("src/test/resources/fixtures/webui.py").toAbsolutePath();

  @RegisterExtension final TrackedProcesses procs = new TrackedProcesses();

  @TempDir Path home;

  private KittyRun.Result run(String... args) {
    return SyncDaemons.kitty(procs, home, Map.of(), args);
  }

  private JsonNode runJson(String... args) {
    List<String> all = new ArrayList<>(List.of("--json"));
    all.addAll(List.of(args));
    KittyRun.Result r = run(all.toArray(String[]::new));
    assertEquals(0, r.code(), String.join(" ", args) + "\n" + r.out() + r.err());
    return r.json(); // held to its published schema (docs/schemas)
  }

  private static String webui(String extra) {
    return "python3 " + FIXTURE + " {port} " + extra;
  }

  /** The fixture's words, run without a shell: the server is kitty's root process. */
  static String[] direct(String name, String... extra) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "start", "webui", "--name", name, "--", "python3", FIXTURE.toString(), "{port}"));
    all.addAll(List.of(extra));
    return all.toArray(String[]::new);
  }

  /** A respawn loop, as the seed's launcher script had one. */
  private static String respawning(String extra) {
    return "while true; do " + webui(extra) + "; sleep 0.1; done";
  }

  private JsonNode status(String name) {
    for (JsonNode l : runJson("status", "webui").get("launches")) {
      if (l.get("name").asString().equals(name)) {
        return l;
      }
    }
    throw new AssertionError("no launch " + name + " in status");
  }

  /**
   * The live processes of this test's launches, straight from /proc: every non-zombie process whose
   * environment carries this test's state folder and {@code KITTY_FAMILY=webui} (kitty's own
   * processes carry the folder but not the family).
   */
  private Set<Long> webuiProcesses() {
    return carriers("KITTY_STATE_DIR=" + home.resolve("state"), "KITTY_FAMILY=webui");
  }

  static Set<Long> carriers(String... entries) {
    Set<Long> out = new HashSet<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : ds) {
        try {
          String env = new String(Files.readAllBytes(p.resolve("environ")), StandardCharsets.UTF_8);
          List<String> vars = List.of(env.split("\0"));
          long pid = Long.parseLong(p.getFileName().toString());
          if (vars.containsAll(List.of(entries)) && alive(pid)) {
            out.add(pid);
          }
        } catch (IOException | RuntimeException gone) {
          // Exited while we looked, or not readable: not ours.
        }
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out;
  }

  private static Set<Long> launchProcesses(String launchId) {
    return carriers("KITTY_LAUNCH_ID=" + launchId);
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Set<Long> memberPids(JsonNode launch) {
    Set<Long> out = new HashSet<>();
    launch.get("members").forEach(m -> out.add(m.get("pid").asLong()));
    return out;
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Seed 6.1: the wrapper dies first, so nothing it would respawn comes back. */
  @Test
  void stopKillsTheRespawningWrapperFirstAndNothingComesBackWithin5Seconds() throws Exception {
    JsonNode started =
        runJson(
            "start",
            "webui",
            "--name",
            "ui",
            "--scope",
            "project-x",
            "--shell",
            "--",
            respawning("--workers 4"));
    int port = started.get("port").asInt();
    long wrapper = started.get("wrapper_pid").asLong();
    long main = started.get("pid").asLong();
    assertNotEquals(wrapper, main, "the main process is the one on the port, not the wrapper");
    JsonNode st = status("ui");
    assertEquals("running", st.get("state").asString());
    assertEquals(wrapper, st.get("sid").asLong(), "the wrapper leads the launch's own session");
    Set<Long> tree = memberPids(st);
    assertEquals(6, tree.size(), "wrapper, server, 4 workers: " + st);
    assertEquals(tree, launchProcesses(started.get("launch_id").asString()));
    JsonNode record =
        KittyRun.JSON.readTree(
            Files.readString(home.resolve("state/records/launch.webui.ui.json")));
    String token = record.get("token").asString();
    assertTrue(token.matches("[0-9a-f]{32}"), "the record keeps the launch's token: " + record);
    assertEquals("project-x", record.get("scope").asString());
    assertFalse(run("--json", "status", "webui").out().contains(token), "status never prints it");
    assertFalse(run("--json", "doctor", "webui").out().contains(token), "doctor never prints it");

    KittyRun.Result stop = run("--json", "stop", "webui", "ui");
    assertEquals(0, stop.code(), stop.out() + stop.err());
    for (long pid : tree) {
      assertFalse(alive(pid), "pid " + pid + " of the tree survived the stop");
    }
    assertFalse(listening(port));
    // A wrapper killed last would have started a new server by now.
    pause(5000);
    assertEquals(Set.of(), webuiProcesses(), "something came back after the stop");
    assertFalse(listening(port), "port " + port + " is listening again");
    JsonNode after = status("ui");
    assertEquals("stopped", after.get("status").asString());
    assertEquals(0, after.get("members").size());
  }

  /** Seed 6.2, under its own name. */
  @Test
  void test_webui_restart_no_zombie_accumulation() {
    JsonNode first =
        runJson("start", "webui", "--name", "ui", "--shell", "--", respawning("--workers 2"));
    int port = first.get("port").asInt();
    Set<String> launches = new HashSet<>(Set.of(first.get("launch_id").asString()));
    for (int i = 1; i <= 20; i++) {
      JsonNode r = runJson("restart", "webui", "ui");
      String id = r.get("launch_id").asString();
      assertTrue(launches.add(id), "every restart is a new launch");
      assertEquals(port, r.get("port").asInt(), "an automatic port stays while it is free");
      Set<Long> all = webuiProcesses();
      Set<Long> tree = launchProcesses(id);
      assertEquals(4, tree.size(), "restart " + i + ": wrapper, server, 2 workers: " + tree);
      assertEquals(tree, all, "restart " + i + ": exactly one tree, nothing of older launches");
      assertEquals(1, r.get("stopped").get("swept").size(), "restart " + i + " swept the old tree");
    }
    JsonNode st = status("ui");
    assertEquals(20, st.get("restarts").asInt());
    assertEquals(0, st.get("zombies").size(), st.toString());
    List<String> history = readHistory();
    assertEquals(20, history.stream().filter(l -> l.contains("\"event\":\"restart\"")).count());
    assertEquals(20, history.stream().filter(l -> l.contains("\"event\":\"stop\"")).count());
    assertEquals(0, run("stop", "webui", "ui").code());
    assertEquals(Set.of(), webuiProcesses());
  }

  private List<String> readHistory() {
    try {
      return Files.readAllLines(home.resolve("state/launch-history.jsonl"));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Seed 6.3: the main process killed from outside; ensure brings back exactly one. */
  @Test
  void ensureAfterACrashBringsBackExactlyOneTree() throws Exception {
    JsonNode first = runJson(direct("ui", "--workers", "3"));
    String oldId = first.get("launch_id").asString();
    long main = first.get("pid").asLong();
    assertEquals(4, launchProcesses(oldId).size());
    assertTrue(runJson("ensure", "webui", "ui").get("reused").asBoolean(), "healthy: left alone");

    // The crash: SIGKILL to the server (a process of this test's launch, by its pid). Its workers
    // are orphaned, as in the seed.
    ProcessHandle.of(main).orElseThrow().destroyForcibly();
    SyncDaemons.awaitGone(main, Duration.ofSeconds(5));
    assertEquals(3, launchProcesses(oldId).size(), "the orphaned workers");
    KittyRun.Result bad = run("status", "webui");
    assertEquals(3, bad.code(), "status says something needs attention: " + bad.out());
    assertTrue(bad.out().contains("unhealthy"), bad.out());
    KittyRun.Result doctor = run("--json", "doctor", "webui");
    assertEquals(3, doctor.code(), "doctor sees the launch of a kitty that is gone");
    assertTrue(
        doctor.json().get("remediation").toString().contains("kitty ensure webui ui"),
        doctor.out());

    JsonNode again = runJson("ensure", "webui", "ui");
    assertFalse(again.get("reused").asBoolean());
    assertEquals(1, again.get("attempts").asInt());
    assertEquals(Set.of(), launchProcesses(oldId), "the orphans of the crashed launch are gone");
    Set<Long> tree = launchProcesses(again.get("launch_id").asString());
    assertEquals(4, tree.size());
    assertEquals(tree, webuiProcesses(), "exactly one tree");
    assertTrue(listening(again.get("port").asInt()));
    assertEquals(0, run("stop", "webui", "ui").code());
  }

  /**
   * Seed fix 5.2: the watchdog fires on 12 workers, its bundle lists them, auto-clean stops them.
   */
  @Test
  void theWatchdogFiresOnTwelveWorkersWritesABundleAndAutoCleanStopsOnlyTheLaunch()
      throws Exception {
    JsonNode small = runJson(direct("small", "--workers", "1"));
    JsonNode big = runJson(direct("big", "--workers", "12"));
    Set<Long> bigTree = launchProcesses(big.get("launch_id").asString());
    assertEquals(13, bigTree.size());
    // A process that says it is a webui's but carries no launch cookie: listed, never stopped.
    ProcessBuilder pb =
        new ProcessBuilder("python3", "-c", "import signal; signal.pause()")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("KITTY_FAMILY", "webui");
    Process stranger = procs.start(pb);

    KittyRun.Result watch = run("--json", "watch", "webui", "--once");
    assertEquals(3, watch.code(), watch.out() + watch.err());
    JsonNode finding = watch.json().get("runaway").get(0);
    assertEquals("webui", finding.get("daemon_family").asString());
    assertTrue(
        finding.get("fired").get(0).asString().startsWith("15 processes > 10"), finding.toString());
    Set<Long> unattributed = new HashSet<>();
    finding.get("unattributed").forEach(u -> unattributed.add(u.get("pid").asLong()));
    assertEquals(Set.of(stranger.pid()), unattributed);
    assertTrue(finding.get("cleaned").isNull(), "no --auto-clean: nothing stopped");

    JsonNode bundle =
        KittyRun.JSON.readTree(Files.readString(Path.of(finding.get("bundle").asString())));
    assertEquals(10, bundle.get("policy").get("max_processes").asInt());
    Set<Long> listed = new HashSet<>();
    for (JsonNode l : bundle.get("launches")) {
      for (JsonNode p : l.get("processes")) {
        listed.add(p.get("pid").asLong());
        assertTrue(p.get("rss_bytes").asLong() > 0, p.toString());
        assertFalse(p.get("args").isEmpty(), p.toString());
        assertFalse(p.get("start_time").isNull(), p.toString());
      }
    }
    assertTrue(listed.containsAll(bigTree), "the bundle lists every worker: " + listed);
    KittyRun.Result doctor = run("doctor", "webui");
    assertEquals(3, doctor.code(), "doctor reports the runaway: " + doctor.out());
    assertTrue(doctor.out().contains("15 processes > 10"), doctor.out());

    KittyRun.Result clean = run("--json", "watch", "webui", "--once", "--auto-clean");
    assertEquals(3, clean.code(), clean.out() + clean.err());
    assertEquals(1, clean.json().get("runaway").get(0).get("cleaned").get("swept").size());
    for (long pid : bigTree) {
      assertFalse(alive(pid), "runaway pid " + pid + " survived --auto-clean");
    }
    assertEquals(2, launchProcesses(small.get("launch_id").asString()).size(), "small untouched");
    assertTrue(stranger.isAlive(), "an unattributed process is never stopped");
    assertEquals("stopped", status("big").get("status").asString());
    assertTrue(status("big").get("error").asString().startsWith("watchdog: runaway"));
    assertEquals(0, run("--json", "watch", "webui", "--once").code(), "below the policy now");
    // Seed fix 5.4's kill_all: every launch of the family on record, each verified.
    KittyRun.Result all = run("--json", "stop", "webui", "--all");
    assertEquals(0, all.code(), all.out() + all.err());
    assertEquals(Set.of(), launchProcesses(small.get("launch_id").asString()));
    assertTrue(stranger.isAlive(), "--all is every launch on record, nothing else");
  }

  /** Seed 6.2's connection loss: the port accepts, the health path no longer answers. */
  @Test
  void ensureRestartsAWebuiWhoseHealthPathStoppedAnswering() throws Exception {
    Path hang = home.resolve("hang");
    List<String> words =
        new ArrayList<>(List.of(direct("ui", "--workers", "1", "--hang-if", hang.toString())));
    words.addAll(2, List.of("--health", "/health"));
    JsonNode first = runJson(words.toArray(String[]::new));
    assertTrue(runJson("ensure", "webui", "ui").get("reused").asBoolean());
    // From now on this server accepts connections and never answers them.
    Files.writeString(hang, Long.toString(first.get("pid").asLong()));
    KittyRun.Result st = run("status", "webui");
    assertEquals(3, st.code(), st.out());
    assertTrue(st.out().contains("unhealthy"), st.out());

    JsonNode again = runJson("ensure", "webui", "ui");
    assertFalse(again.get("reused").asBoolean());
    assertTrue(again.get("notes").toString().contains("health /health"), again.toString());
    assertEquals(Set.of(), launchProcesses(first.get("launch_id").asString()));
    assertEquals(2, launchProcesses(again.get("launch_id").asString()).size());
    assertEquals("running", status("ui").get("state").asString());
    assertEquals(0, run("stop", "webui", "ui").code());
  }

  @Test
  void aWrapperThatIgnoresTermIsStillStoppedWithNothingLeft() {
    JsonNode started =
        runJson(
            "start",
            "webui",
            "--name",
            "stubborn",
            "--shell",
            "--",
            "trap '' TERM; " + respawning("--workers 2 --ignore-term"));
    String id = started.get("launch_id").asString();
    assertEquals(4, launchProcesses(id).size());
    KittyRun.Result stop = run("--json", "stop", "webui", "stubborn");
    assertEquals(0, stop.code(), stop.out() + stop.err());
    assertEquals(Set.of(), launchProcesses(id));
    assertFalse(listening(started.get("port").asInt()));
  }

  @Test
  void aZombieWorkerIsReportedAndGoesWithItsParent() {
    JsonNode started = runJson(direct("z", "--workers", "1", "--zombie"));
    long main = started.get("pid").asLong();
    TrackedProcesses.await(
        "the zombie to show", Duration.ofSeconds(5), () -> status("z").get("zombies").size() == 1);
    long zombie = status("z").get("zombies").get(0).asLong();
    assertTrue(Files.exists(Path.of("/proc/" + zombie)), "a zombie is in the table");
    assertFalse(memberPids(status("z")).contains(zombie), "a zombie is not a member to signal");
    assertEquals(0, run("stop", "webui", "z").code());
    assertFalse(alive(main));
    TrackedProcesses.await(
        "the zombie to be reaped",
        Duration.ofSeconds(5),
        () -> !Files.exists(Path.of("/proc/" + zombie)));
  }

  @Test
  void badInputIsRefusedWithTheReasonAndLeavesNothingBehind() throws Exception {
    KittyRun.Result none = run("start", "webui", "--name", "x");
    assertEquals(2, none.code());
    assertTrue(none.err().contains("nothing to run"), none.err());

    KittyRun.Result missing =
        run(
            "start",
            "webui",
            "--name",
            "x",
            "--",
            "kitty-no-such-command-" + TrackedProcesses.RUN_ID);
    assertEquals(1, missing.code(), missing.err());
    assertTrue(missing.err().contains("kitty-no-such-command"), missing.err());
    assertEquals("failed", status("x").get("status").asString());

    KittyRun.Result exits =
        run(
            "start",
            "webui",
            "--name",
            "y",
            "--shell",
            "--",
            webui("--workers 2 --die-before-listen"));
    assertEquals(1, exits.code(), exits.err());
    assertTrue(exits.err().contains("before it was healthy"), exits.err());
    assertEquals(Set.of(), webuiProcesses(), "the workers of a failed start are stopped too");

    KittyRun.Result outside = run("start", "webui", "--port", "7000", "--", webui(""));
    assertEquals(2, outside.code());
    assertTrue(outside.err().contains("outside family webui's range [7860, 7900)"), outside.err());

    KittyRun.Result badName = run("start", "webui", "--name", "../etc", "--", webui(""));
    assertEquals(2, badName.code());
    assertTrue(badName.err().contains("launch name"), badName.err());

    int port = TrackedProcesses.freePort(7860, 7900);
    Process third =
        procs.start(
            new ProcessBuilder(
                    "python3", "-m", "http.server", Integer.toString(port), "--bind", "127.0.0.1")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD));
    TrackedProcesses.awaitListening("127.0.0.1", port, Duration.ofSeconds(10));
    KittyRun.Result taken =
        run("start", "webui", "--name", "w", "--port", Integer.toString(port), "--", webui(""));
    assertEquals(1, taken.code(), taken.err());
    assertTrue(taken.err().contains("pid " + third.pid()), "names who holds it: " + taken.err());
    assertTrue(third.isAlive(), "the third party is not touched");
    assertEquals(Set.of(), webuiProcesses());

    // A record that is not JSON is moved aside, named, and the rest still works.
    Path records = home.resolve("state/records");
    Files.writeString(records.resolve("launch.webui.broken.json"), "{not json");
    KittyRun.Result st = run("status", "webui");
    assertTrue(st.out().contains("launch.webui.broken.json"), st.out());
    assertTrue(st.out().contains("quarantine"), st.out());
    assertFalse(Files.exists(records.resolve("launch.webui.broken.json")));
    assertTrue(st.out().contains("webui x"), "the readable records are still listed: " + st.out());
  }

  /** Seed fix 5.3: a shell with --stop-on-exit stops what it started when it gets SIGTERM. */
  @Test
  void aSessionWithStopOnExitStopsItsLaunchesOnSigterm() throws Exception {
    // A session that runs until it is told to stop: a launch, then the watchdog.
    Process shell =
        SyncDaemons.startKitty(
            procs,
            home,
            Map.of(),
            "--stop-on-exit",
            "-c",
            "start webui --name s -- python3 " + FIXTURE + " {port} --workers 2; watch webui");
    // A thread of its own: the common pool has one thread on two cores, and SyncDaemons needs it.
    var errText = new java.util.concurrent.CompletableFuture<String>();
    Thread.ofPlatform()
        .start(
            () -> {
              try {
                errText.complete(
                    new String(shell.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                errText.complete("");
              }
            });
    TrackedProcesses.await(
        "the session's launch to run",
        Duration.ofSeconds(30),
        () -> {
          KittyRun.Result st = run("--json", "status", "webui");
          return st.code() == 0 && st.out().contains("\"state\":\"running\"");
        });
    assertEquals(3, webuiProcesses().size());
    Set<Long> tree = webuiProcesses();
    // SIGTERM to the kitty we started, by its pid; through its handle, which (unlike
    // Process.destroy) leaves our end of its stderr open.
    shell.toHandle().destroy();
    assertTrue(shell.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
    String err = errText.join();
    for (long pid : tree) {
      assertFalse(alive(pid), "pid " + pid + " outlived the session: " + err);
    }
    assertEquals("stopped", status("s").get("status").asString());
    assertTrue(err.contains("--stop-on-exit: webui s stopped"), err);
  }
}
