package dev.kitty.shell;

import static dev.kitty.shell.SyncDaemons.alive;
import static dev.kitty.shell.SyncDaemons.awaitGone;
import static dev.kitty.shell.SyncDaemons.kitty;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.testkit.FixtureDaemons;
import dev.kitty.testkit.TrackedProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
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
 * Seed 000 ("Dashboard orphan process leak") on kitty's real dashboards, real kitty processes and
 * real loopback ports: the seed's four named tests, orphans of several projects, a project that is
 * gone, PID reuse, and a third party in the range.
 */
class DashboardFamilyIT {

  static final String MAIN =
      "dev.kitty.family.dashboard/dev.kitty.family.dashboard.DashboardDaemon";

  @RegisterExtension final TrackedProcesses procs = new TrackedProcesses();

  @TempDir Path home;

  private Path project(String name) throws Exception {
    return Files.createDirectories(home.resolve(name)).toRealPath();
  }

  private KittyRun.Result run(String... args) {
    return kitty(procs, home, Map.of(), args);
  }

  /** A dashboard started by hand, as a CLI killed before it could check on it leaves one. */
  private Process orphan(Path project, int port) {
    Process p = startOrphan(project, port);
    // Health answers only once the dashboard has recorded itself (marker and metadata file).
    SyncDaemons.awaitHealthy(port);
    return p;
  }

  private static List<String> metadata(Path project) throws Exception {
    return Files.readAllLines(project.resolve(".kittify/.dashboard"));
  }

  private static String cmdline(long pid) {
    try {
      return Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
    } catch (java.io.IOException gone) {
      return "";
    }
  }

  private static long startTicks(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]);
  }

  private static Set<Long> pids(JsonNode array) {
    Set<Long> out = new HashSet<>();
    array.forEach(e -> out.add(e.get("pid").asLong()));
    return out;
  }

  @Test
  void test_pid_tracked_in_dashboard_file() throws Exception {
    Path p = project("alpha");
    KittyRun.Result r = run("--json", "dashboard", "--project", p.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode d = r.json();
    long pid = d.get("pid").asLong();
    List<String> lines = metadata(p);
    assertEquals("http://127.0.0.1:" + d.get("port").asInt(), lines.get(0));
    assertEquals(Integer.toString(d.get("port").asInt()), lines.get(1));
    assertTrue(lines.get(2).matches("[0-9a-f]{32}"), "line 3 is the token: " + lines);
    assertEquals(Long.toString(pid), lines.get(3), "line 4 is the pid (Priority 1)");
    assertEquals(Long.toString(startTicks(pid)), lines.get(4), "line 5 is the start stamp");
    assertEquals(
        Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(p.resolve(".kittify/.dashboard")));
    JsonNode health = SyncDaemons.health(d.get("port").asInt());
    assertEquals(p.toString(), health.get("project_path").asString());
    assertEquals("LOCAL_ONLY", health.get("intent").asString(), "seed 001 C-003");
    assertFalse(health.toString().contains(lines.get(2)), "health never shows the token");

    JsonNode again = run("--json", "dashboard", "--project", p.toString()).json();
    assertTrue(again.get("reused").asBoolean());
    assertEquals(pid, again.get("pid").asLong());
  }

  @Test
  void test_stop_dashboard_kills_by_pid_if_http_fails() throws Exception {
    Path p = project("beta");
    JsonNode d = run("--json", "dashboard", "--project", p.toString()).json();
    long pid = d.get("pid").asLong();
    int port = d.get("port").asInt();
    // The file's token no longer matches: the HTTP shutdown is refused (403), as when it hangs or
    // fails.
    List<String> lines = new ArrayList<>(metadata(p));
    lines.set(2, "0".repeat(32));
    Files.write(p.resolve(".kittify/.dashboard"), lines);

    KittyRun.Result stop = run("--json", "dashboard", "--project", p.toString(), "--stop");
    assertEquals(0, stop.code(), stop.out() + stop.err());
    JsonNode swept = stop.json().get("swept");
    assertEquals(Set.of(pid), pids(swept), stop.out());
    assertNotEquals("http_shutdown", swept.get(0).get("cleanup_path").asString());
    awaitGone(pid, Duration.ofSeconds(5));
    assertFalse(TrackedProcessesPorts.listening(port), "the port is free");
    assertFalse(Files.exists(p.resolve(".kittify/.dashboard")), "the file is removed");
  }

  @Test
  void test_orphan_cleanup_on_init() throws Exception {
    Path p = project("gamma");
    List<Process> orphans = new ArrayList<>();
    for (int port : new int[] {9290, 9291, 9292}) {
      orphans.add(orphan(p, port));
    }
    Files.delete(p.resolve(".kittify/.dashboard"));

    KittyRun.Result r = run("--json", "dashboard", "--project", p.toString());
    assertEquals(0, r.code(), r.err());
    Set<Long> expected = new HashSet<>();
    orphans.forEach(o -> expected.add(o.pid()));
    assertEquals(expected, pids(r.json().get("cleaned").get("swept")), r.out());
    orphans.forEach(o -> awaitGone(o.pid(), Duration.ofSeconds(5)));
    assertFalse(r.json().get("reused").asBoolean());
    assertEquals(Long.toString(r.json().get("pid").asLong()), metadata(p).get(3));
  }

  @Test
  void test_cleanup_command() throws Exception {
    Path live = project("live");
    long livePid =
        run("--json", "dashboard", "--project", live.toString()).json().get("pid").asLong();
    Path twice = project("twice");
    Process older = orphan(twice, 9300);
    Process newer = orphan(twice, 9301);
    Path gone = project("gone");
    Process ofGone = orphan(gone, 9302);
    Files.delete(gone.resolve(".kittify/.dashboard"));
    Files.delete(gone.resolve(".kittify"));
    Files.delete(gone);
    Process third = FixtureDaemons.plainHttpServer(procs, 9303);
    Path spec = project("spec-kitty");
    Process specKitty =
        FixtureDaemons.jsonServer(
            procs,
            9304,
            Map.of(
                "/api/health",
                Map.of("status", "ok", "project_path", spec.toString(), "token", "t")));

    KittyRun.Result r = run("--json", "dashboard", "--cleanup");
    assertEquals(0, r.code(), r.out() + r.err());
    JsonNode doc = r.json();
    assertEquals(Set.of(older.pid(), ofGone.pid()), pids(doc.get("swept")), doc.toString());
    assertTrue(
        pids(doc.get("skipped"))
            .containsAll(Set.of(livePid, newer.pid(), third.pid(), specKitty.pid())),
        doc.toString());
    awaitGone(older.pid(), Duration.ofSeconds(5));
    awaitGone(ofGone.pid(), Duration.ofSeconds(5));
    assertTrue(
        alive(livePid) && alive(newer.pid()) && alive(third.pid()) && alive(specKitty.pid()));
    assertEquals(Long.toString(newer.pid()), metadata(twice).get(3), "the live one's file is kept");
  }

  @Test
  void aMetadataFileNamingAReusedPidNeverGetsItKilled() throws Exception {
    Path p = project("reused");
    Process unrelated = procs.start("sleep", "600");
    Files.createDirectories(p.resolve(".kittify"));
    Files.writeString(
        p.resolve(".kittify/.dashboard"),
        "http://127.0.0.1:9310\n9310\n" + "a".repeat(32) + "\n" + unrelated.pid() + "\n");
    KittyRun.Result stop = run("--json", "dashboard", "--project", p.toString(), "--stop");
    assertEquals(0, stop.json().get("swept").size(), stop.out());
    JsonNode started = run("--json", "dashboard", "--project", p.toString()).json();
    assertFalse(started.get("reused").asBoolean());
    assertTrue(
        alive(unrelated.pid()),
        "the pid in the file belongs to an unrelated process: never killed");
    assertEquals(Long.toString(started.get("pid").asLong()), metadata(p).get(3));
  }

  @Test
  void badMetadataFilesAreNamedWithWhatIsWrongAndReplacedByTheNewDashboard() throws Exception {
    Map<String, String> bad = new java.util.LinkedHashMap<>();
    bad.put("", "needs at least a url and a port line, has 0 lines");
    bad.put("http://127.0.0.1:9250\n", "needs at least a url and a port line, has 1 lines");
    bad.put("http://127.0.0.1:9250\nabc\n" + "a".repeat(32) + "\n", "line 2 is not a port: abc");
    bad.put("http://127.0.0.1:9250\n9250\n" + "a".repeat(32) + "\nxyz\n", "line 4");
    bad.put("http://127.0.0.1:8080\n8080\n" + "a".repeat(32) + "\n4\n", "outside the dashboard");
    int i = 0;
    for (var e : bad.entrySet()) {
      Path p = project("bad-" + i++);
      Path file = Files.createDirectories(p.resolve(".kittify")).resolve(".dashboard");
      Files.writeString(file, e.getKey());
      KittyRun.Result stop = run("--json", "dashboard", "--project", p.toString(), "--stop");
      assertEquals(0, stop.code(), "nothing to stop is no failure: " + stop.err());
      KittyRun.Result r = run("--json", "dashboard", "--project", p.toString());
      assertEquals(0, r.code(), e.getKey() + ": " + r.err());
      String notes = r.json().get("notes").toString();
      assertTrue(notes.contains(file.toString()) && notes.contains(e.getValue()), notes);
      long pid = r.json().get("pid").asLong();
      assertEquals(Long.toString(pid), metadata(p).get(3), "the file now names the new dashboard");
      assertEquals(0, run("dashboard", "--project", p.toString(), "--stop").code());
      awaitGone(pid, Duration.ofSeconds(5));
    }
  }

  @Test
  void aShutdownWithTheWrongTokenIsRefusedAndLogged() throws Exception {
    Path p = project("token");
    JsonNode d = run("--json", "dashboard", "--project", p.toString()).json();
    int port = d.get("port").asInt();
    String[] answer =
        SyncDaemons.http(port, "POST", "/api/shutdown", "{\"token\":\"" + "0".repeat(32) + "\"}");
    assertEquals("403", answer[0], answer[1]);
    assertTrue(alive(d.get("pid").asLong()), "a wrong token stops nothing");
    Path log = home.resolve("state/logs/dashboard-" + d.get("launch_id").asString() + ".log");
    TrackedProcesses.await(
        "the refusal in " + log,
        Duration.ofSeconds(5),
        () -> {
          try {
            return Files.readString(log).contains("shutdown refused (wrong or missing token)");
          } catch (java.io.IOException notYet) {
            return false;
          }
        });
  }

  @Test
  void aProjectFolderKittyCannotWriteToGetsAClearErrorAndNothingStarts() throws Exception {
    Path notAFolder = project("kittify-is-a-file");
    Files.writeString(notAFolder.resolve(".kittify"), "a file, not a folder\n");
    KittyRun.Result r = run("dashboard", "--project", notAFolder.toString());
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().contains(notAFolder.resolve(".kittify") + " is not a folder"), r.err());
    assertTrue(r.err().contains("nothing was started"), r.err());

    // Not writable even for root: an immutable folder (where the file system supports it).
    Path locked = project("locked");
    Process chattr = procs.start("chattr", "+i", locked.toString());
    org.junit.jupiter.api.Assumptions.assumeTrue(
        chattr.waitFor() == 0, "chattr +i is not supported here");
    try {
      KittyRun.Result l = run("dashboard", "--project", locked.toString());
      assertEquals(2, l.code(), l.out());
      assertTrue(l.err().contains("project folder " + locked + " is not writable"), l.err());
    } finally {
      procs.start("chattr", "-i", locked.toString()).waitFor();
    }
    JsonNode scan = run("--json", "scan", "dashboard").json();
    for (Path p : List.of(notAFolder, locked)) {
      assertFalse(
          Files.isRegularFile(p.resolve(".kittify/.dashboard")), "no record of a dashboard");
      assertFalse(scan.toString().contains(p.toString()), "no dashboard of " + p + ": " + scan);
    }
  }

  @Test
  void aStartInterruptedBeforeTheDashboardIsHealthyLeavesNoOrphan() throws Exception {
    Path p = project("interrupted");
    // The daemon waits 3 s before it binds (a test-only knob): a launch window wide enough to hit.
    Process cli =
        SyncDaemons.startKitty(
            procs,
            home,
            Map.of("KITTY_DASHBOARD_START_DELAY", "PT3S"),
            "dashboard",
            "--project",
            p.toString());
    // The moment the daemon exists and the command has not answered yet: the launch window.
    long[] child = {-1};
    TrackedProcesses.await(
        "the dashboard process to be started",
        Duration.ofSeconds(30),
        () -> {
          cli.toHandle().children().findFirst().ifPresent(h -> child[0] = h.pid());
          // Not before the child is the daemon itself (the JDK's spawn helper has exec'd it).
          return (child[0] > 0 && cmdline(child[0]).contains("DashboardDaemon")) || !cli.isAlive();
        });
    assertTrue(child[0] > 0, "kitty answered before a daemon process could be seen");
    cli.destroy(); // SIGTERM to the kitty we started, by its pid
    cli.waitFor();
    awaitGone(child[0], Duration.ofSeconds(10));
    assertFalse(
        Files.exists(p.resolve(".kittify/.dashboard")),
        "nothing records a dashboard that does not exist");
    assertFalse(
        TrackedProcessesPorts.listening(9237)
            && SyncDaemons.health(9237) != null
            && p.toString().equals(SyncDaemons.health(9237).path("project_path").asString()),
        "no dashboard of this project is left");
  }

  @Test
  void seed000Reproduction_100OrphansFillTheRangeThenCleanupFreesItAndANewDashboardStarts()
      throws Exception {
    List<Path> projects = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      projects.add(project("p" + i));
    }
    List<Process> orphans = new ArrayList<>();
    for (int port = 9237; port < 9337; port++) {
      orphans.add(startOrphan(projects.get((port - 9237) % 10), port));
    }
    for (int port = 9237; port < 9337; port++) {
      SyncDaemons.awaitHealthy(port);
    }
    // Their CLIs died before recording them: no project's file names any of them.
    for (Path p : projects) {
      Files.deleteIfExists(p.resolve(".kittify/.dashboard"));
    }
    Path fresh = project("fresh");
    KittyRun.Result full = run("--json", "scan", "dashboard");
    assertEquals(100, full.json().get("families").get(0).get("candidates").size());

    KittyRun.Result cleanup = run("--json", "dashboard", "--cleanup");
    assertEquals(0, cleanup.code(), cleanup.err());
    assertEquals(100, cleanup.json().get("swept").size(), cleanup.out());
    for (Process o : orphans) {
      awaitGone(o.pid(), Duration.ofSeconds(10));
    }
    for (int port = 9237; port < 9337; port++) {
      assertFalse(TrackedProcessesPorts.listening(port), "port " + port + " is free again");
    }
    KittyRun.Result started = run("--json", "dashboard", "--project", fresh.toString());
    assertEquals(0, started.code(), started.err());
    assertEquals(9237, started.json().get("port").asInt());
  }

  /** An orphan started without waiting for it (the reproduction starts 100 at once). */
  private Process startOrphan(Path project, int port) {
    return SyncDaemons.moduleMain(
        procs,
        Map.of(),
        MAIN,
        "--project",
        project.toString(),
        "--port",
        Integer.toString(port),
        "--state-dir",
        home.resolve("state").toString());
  }

  /** A dashboard whose project folder is gone: an orphan, provably kitty's own (safe_auto). */
  private Process vanishedOrphan(String name, int port) throws Exception {
    Path gone = project(name);
    Process p = orphan(gone, port);
    Files.delete(gone.resolve(".kittify/.dashboard"));
    Files.delete(gone.resolve(".kittify"));
    Files.delete(gone);
    return p;
  }

  @Test
  void aResetKilledAfterItsSignalsConvergesOnTheNextReset() throws Exception {
    List<Process> orphans = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      orphans.add(vanishedOrphan("reset-" + i, 9320 + i));
    }
    KittyRun.Result crashed =
        kitty(
            procs,
            home,
            Map.of("KITTY_CRASH_AT", "executor.signalled"),
            "--json",
            "doctor",
            "dashboard",
            "--reset");
    assertEquals(137, crashed.code(), crashed.out() + crashed.err());
    KittyRun.Result again = run("--json", "doctor", "dashboard", "--reset");
    assertEquals(0, again.code(), again.out() + again.err());
    assertEquals(0, again.json().get("failed").size(), again.out());
    for (Process o : orphans) {
      awaitGone(o.pid(), Duration.ofSeconds(10));
    }
    assertEquals(0, run("doctor", "dashboard").code(), "nothing is left to act on");
  }

  @Test
  void parallelCleanupsAndResetsSignalEachOrphanOnceAndReportItInOneArray() throws Exception {
    List<Process> orphans = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      orphans.add(vanishedOrphan("vanished-" + i, 9310 + i));
    }
    List<List<String>> commands =
        List.of(
            List.of("--json", "dashboard", "--cleanup"),
            List.of("--json", "cleanup", "dashboard"),
            List.of("--json", "doctor", "dashboard", "--reset"));
    List<Process> calls = new ArrayList<>();
    for (List<String> c : commands) {
      calls.add(SyncDaemons.startKitty(procs, home, Map.of(), c.toArray(String[]::new)));
    }
    Map<Long, Integer> sweptBy = new java.util.HashMap<>();
    for (int i = 0; i < calls.size(); i++) {
      KittyRun.Result r = SyncDaemons.finish(calls.get(i), commands.get(i).toArray(String[]::new));
      JsonNode doc = r.json();
      Set<Long> swept = pids(doc.get("swept"));
      Set<Long> skipped = pids(doc.get("skipped"));
      Set<Long> failed = pids(doc.get("failed"));
      for (Set<Long> a : List.of(swept, skipped)) {
        for (Set<Long> b : List.of(skipped, failed)) {
          if (a != b) {
            Set<Long> both = new HashSet<>(a);
            both.retainAll(b);
            assertTrue(both.isEmpty(), commands.get(i) + " reports " + both + " twice: " + doc);
          }
        }
      }
      swept.forEach(pid -> sweptBy.merge(pid, 1, Integer::sum));
    }
    for (Process o : orphans) {
      awaitGone(o.pid(), Duration.ofSeconds(10));
      long terms =
          Files.readAllLines(home.resolve("state/audit.log")).stream()
              .filter(l -> l.contains("\"pid\":" + o.pid() + ","))
              .filter(l -> l.contains("\"signal\":\"TERM\"") && l.contains("\"outcome\":\"sent\""))
              .count();
      assertTrue(terms <= 1, "orphan " + o.pid() + " got " + terms + " TERMs");
      assertEquals(
          1, sweptBy.getOrDefault(o.pid(), 0), "orphan " + o.pid() + " is swept by one run");
    }
  }

  @Test
  void aProcessThatCopiesALiveDashboardsHealthAnswerWordForWordIsNeverSafeAuto() throws Exception {
    Path p = project("copied");
    JsonNode real = run("--json", "dashboard", "--project", p.toString()).json();
    int realPort = real.get("port").asInt();
    JsonNode health = SyncDaemons.health(realPort);
    assertTrue(health != null, "the live dashboard answers its health endpoint");
    // The spoof answers the same bytes (pid, port, project, token proof) on another port of the
    // range; it has everything a scanner can read over HTTP, not the marker kitty wrote.
    int spoofPort = TrackedProcesses.freePort(9237, 9337);
    Process spoof =
        FixtureDaemons.jsonServer(
            procs, spoofPort, Map.of("/api/health", KittyRun.JSON.convertValue(health, Map.class)));

    JsonNode scan = run("--json", "scan", "dashboard").json();
    for (JsonNode c : scan.get("families").get(0).get("candidates")) {
      if (c.get("port").asInt() == spoofPort) {
        assertTrue(
            !c.get("cleanup_class").asString().equals("safe_auto")
                && !c.get("recorded").asBoolean(),
            "a copied answer proves nothing: " + c);
      }
      if (c.get("port").asInt() == realPort) {
        assertTrue(c.get("recorded").asBoolean(), "the real one is still the recorded one: " + c);
      }
    }
    KittyRun.Result cleanup = run("--json", "dashboard", "--cleanup");
    assertEquals(0, cleanup.code(), cleanup.out() + cleanup.err());
    assertTrue(spoof.isAlive(), "the spoof was not stopped by the cleanup: " + cleanup.out());
    assertTrue(
        TrackedProcessesPorts.listening(realPort), "nor was the live dashboard: " + cleanup.out());
  }

  @Test
  void thePageLoadsInHeadlessChromiumAndShowsThePortMapAndTheFindings() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        TrackedProcesses.onPath("chromium"), "chromium is installed by .ci/run");
    Path p = project("page");
    // Findings for the page to show: a ghost socket in the sync range (seed 004) and a webui
    // launch with 12 workers, a runaway by the family's policy (seed 002).
    int ghostPort = TrackedProcesses.freePort(9400, 9450);
    FixtureDaemons.SharedSocket ghost = FixtureDaemons.sharedSocket(procs, ghostPort, "page ghost");
    KittyRun.Result big = run(WebuiFamilyIT.direct("big", "--workers", "12"));
    assertEquals(0, big.code(), big.out() + big.err());
    // The URL kitty prints: with the project's token once (ADR 27).
    String url = run("--json", "dashboard", "--project", p.toString()).json().get("url").asString();
    String dom = chromium(url, "--dump-dom");
    assertTrue(
        dom.contains(
            "sync 127.0.0.1:"
                + ghostPort
                + " held by "
                + ghost.owner().pid()
                + ", "
                + ghost.child()),
        "the ghost socket and its holders: " + dom);
    assertTrue(
        dom.contains("webui: 13 processes &gt; 10"), "the runaway finding of the webui: " + dom);
    assertTrue(dom.contains("kitty watch webui --once --auto-clean"), "its one-step fix: " + dom);
    assertTrue(dom.contains("dashboard [9237, 9337)"), dom);
    assertTrue(dom.contains("sync [9400, 9450)"), dom);
    assertTrue(
        dom.contains("class=\"cell recorded\""), "this dashboard's own port is drawn live: " + dom);
    assertTrue(dom.contains(p.toString()), dom);
    assertTrue(dom.contains("<div class=\"tree\">"), "its own process tree is drawn: " + dom);

    Path shot = Path.of(System.getProperty("user.dir"), "target", "dashboard.png");
    Files.deleteIfExists(shot);
    chromium(url, "--screenshot=" + shot, "--window-size=1280,1000");
    assertTrue(Files.size(shot) > 10_000, "a screenshot of the page: " + shot);
  }

  private String chromium(String url, String... extra) throws Exception {
    return Chromium.run(procs, home, url, extra);
  }

  /** Whether something listens on a loopback port. */
  static final class TrackedProcessesPorts {
    static boolean listening(int port) {
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 200);
        return true;
      } catch (java.io.IOException e) {
        return false;
      }
    }
  }
}
