package dev.kitty.shell;

import static dev.kitty.shell.SyncDaemons.alive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.testkit.FixtureDaemons;
import dev.kitty.testkit.TrackedProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * spec-kitty's dashboards and sync daemons as spec-kitty runs them (ADR 26): replicas started with
 * the recorded command-line layout, answering the recorded health fields, with the record files
 * spec-kitty's CLI writes. For each cleanup path, the survivors are exactly the expected ones.
 */
class SpecKittyIT {

  @RegisterExtension final TrackedProcesses procs = new TrackedProcesses();

  @TempDir Path home;

  /** This user's spec-kitty root, as kitty is told by $SPEC_KITTY_HOME. */
  private Path userRoot() {
    return home.resolve("spec-kitty-home");
  }

  private KittyRun.Result run(String... args) {
    return SyncDaemons.kitty(procs, home, Map.of("SPEC_KITTY_HOME", userRoot().toString()), args);
  }

  private JsonNode runJson(int code, String... args) {
    List<String> all = new ArrayList<>(List.of("--json"));
    all.addAll(List.of(args));
    KittyRun.Result r = run(all.toArray(String[]::new));
    assertEquals(code, r.code(), String.join(" ", args) + "\n" + r.out() + r.err());
    return r.json();
  }

  private static Set<Long> pids(JsonNode entries) {
    Set<Long> out = new HashSet<>();
    entries.forEach(e -> out.add(e.get("pid").asLong()));
    return out;
  }

  private static Map<Long, String> classes(JsonNode scan) {
    Map<Long, String> out = new TreeMap<>();
    for (JsonNode f : scan.get("families")) {
      for (JsonNode c : f.get("candidates")) {
        out.put(
            c.get("pid").asLong(),
            c.get("cleanup_class").asString() + (c.get("recorded").asBoolean() ? "+recorded" : ""));
      }
    }
    return out;
  }

  /**
   * {@code n} ports free now in [from, to), lowest first; the first and last of the range if free.
   */
  private static List<Integer> freePorts(int n, int from, int to) {
    List<Integer> out = new ArrayList<>();
    for (int p = from; p < to && out.size() < n; p++) {
      try (var s = new java.net.ServerSocket()) {
        s.setReuseAddress(true);
        s.bind(new java.net.InetSocketAddress("127.0.0.1", p));
        out.add(p);
      } catch (java.io.IOException busy) {
        // taken
      }
    }
    if (out.size() < n) {
      throw new IllegalStateException("not " + n + " free ports in [" + from + ", " + to + ")");
    }
    return out;
  }

  private static void awaitAll(List<Integer> ports) {
    for (int p : ports) {
      SyncDaemons.awaitHealthy(p);
    }
  }

  @Test
  void fromManyDashboardsToCleanOrphansAndSupersededGoLiveOnesStay() throws Exception {
    List<Integer> ports = freePorts(6, 9237, 9337);
    // The range's last port too, when it is free: boundaries are where off-by-ones live.
    int last = freePorts(1, 9336, 9337).getFirst();
    Map<String, Path> projects = new LinkedHashMap<>();
    for (String name : List.of("live", "deleted", "superseded", "starting", "lookalike", "stale")) {
      projects.put(name, Files.createDirectories(home.resolve("work").resolve(name)).toRealPath());
    }
    Process live =
        SpecKittyReplicas.dashboard(
            procs, projects.get("live"), ports.get(0), SpecKittyReplicas.token(1));
    Process deleted =
        SpecKittyReplicas.dashboard(
            procs, projects.get("deleted"), last, SpecKittyReplicas.token(2));
    Process older =
        SpecKittyReplicas.dashboard(
            procs, projects.get("superseded"), ports.get(1), SpecKittyReplicas.token(3));
    Process newer =
        SpecKittyReplicas.dashboard(
            procs, projects.get("superseded"), ports.get(2), SpecKittyReplicas.token(4));
    Process starting =
        SpecKittyReplicas.dashboard(
            procs, projects.get("starting"), ports.get(3), SpecKittyReplicas.token(5));
    // Right answer, wrong command line.
    Map<String, Object> health = new LinkedHashMap<>();
    health.put("status", "ok");
    health.put("project_path", projects.get("lookalike").toString());
    health.put("token", SpecKittyReplicas.token(6));
    Process lookalike =
        FixtureDaemons.jsonServer(procs, ports.get(4), Map.of("/api/health", health));
    // A stale record whose pid is an unrelated process (spec-kitty's own bug kills it).
    Process unrelated = procs.start("sleep", "600");
    awaitAll(List.of(ports.get(0), last, ports.get(1), ports.get(2), ports.get(3), ports.get(4)));
    SpecKittyReplicas.metadata(
        projects.get("live"), ports.get(0), SpecKittyReplicas.token(1), live.pid());
    SpecKittyReplicas.metadata(
        projects.get("deleted"), last, SpecKittyReplicas.token(2), deleted.pid());
    SpecKittyReplicas.metadata(
        projects.get("superseded"), ports.get(2), SpecKittyReplicas.token(4), newer.pid());
    SpecKittyReplicas.metadata(
        projects.get("stale"), ports.get(5), SpecKittyReplicas.token(7), unrelated.pid());
    // The project of one dashboard is deleted while it runs (seed 000's ~100 test projects).
    deleteTree(projects.get("deleted"));

    Map<Long, String> expected = new TreeMap<>();
    expected.put(live.pid(), "operator_required+recorded");
    expected.put(deleted.pid(), "safe_auto");
    expected.put(older.pid(), "safe_auto");
    expected.put(newer.pid(), "operator_required+recorded");
    expected.put(starting.pid(), "operator_required");
    expected.put(lookalike.pid(), "operator_required");
    Map<Long, String> seen = classes(runJson(0, "scan", "dashboard"));
    seen.keySet().retainAll(expected.keySet());
    assertEquals(expected, seen);

    JsonNode cleaned = runJson(0, "dashboard", "--cleanup");
    assertEquals(
        Set.of(deleted.pid(), older.pid()), pids(cleaned.get("swept")), cleaned.toString());
    SyncDaemons.awaitGone(deleted.pid(), Duration.ofSeconds(10));
    SyncDaemons.awaitGone(older.pid(), Duration.ofSeconds(10));
    for (Process p : List.of(live, newer, starting, lookalike, unrelated)) {
      assertTrue(alive(p.pid()), "survives --cleanup: " + p.pid() + " " + cleaned);
    }
    assertEquals(0, runJson(0, "cleanup", "dashboard").get("swept").size(), "nothing more is safe");

    // What is left, with the one command that fixes it.
    JsonNode doctor = runJson(3, "doctor", "dashboard");
    assertTrue(
        doctor.get("remediation").toString().contains("kitty doctor dashboard --reset"),
        doctor.toString());

    // Run in the project whose record names the unrelated pid: doctor says the record is stale.
    ProcessBuilder inStale =
        new ProcessBuilder(SyncDaemons.kittyCommand("--json", "doctor", "dashboard"))
            .directory(projects.get("stale").toFile());
    inStale.environment().putAll(KittyRun.env(home));
    inStale.environment().put("SPEC_KITTY_HOME", userRoot().toString());
    KittyRun.Result there =
        SyncDaemons.finish(procs.start(inStale.redirectError(ProcessBuilder.Redirect.PIPE)));
    assertTrue(
        there.json().get("warnings").toString().contains("names pid " + unrelated.pid()),
        there.out());
    assertTrue(there.out().contains("not a dashboard: a stale record"), there.out());

    JsonNode reset = runJson(0, "doctor", "dashboard", "--reset");
    assertEquals(
        Set.of(starting.pid(), lookalike.pid()), pids(reset.get("swept")), reset.toString());
    assertTrue(alive(live.pid()) && alive(newer.pid()), "the live ones survive the reset");
    assertTrue(alive(unrelated.pid()), "the pid of a stale record is never touched");
  }

  @Test
  void theLiveSyncDaemonOfItsScopeStaysStaleOnesOfEveryVersionGoCrossRootWaitsForTheOperator()
      throws Exception {
    List<Integer> ports = freePorts(5, 9400, 9450);
    Path mine = userRoot();
    Path other = home.resolve("other-root");
    Process live =
        SpecKittyReplicas.sync(procs, mine, ports.get(0), SpecKittyReplicas.token(10), "3.2.7");
    Map<String, Process> stale = new LinkedHashMap<>();
    int i = 1;
    for (String version : List.of("3.2.2", "3.2.3", "3.2.4")) {
      stale.put(
          version,
          SpecKittyReplicas.sync(
              procs, mine, ports.get(i), SpecKittyReplicas.token(10 + i), version));
      i++;
    }
    Process crossRoot =
        SpecKittyReplicas.sync(procs, other, ports.get(4), SpecKittyReplicas.token(20), "3.2.7");
    awaitAll(ports);
    SpecKittyReplicas.syncRecord(mine, ports.get(0), SpecKittyReplicas.token(10), live.pid());
    SpecKittyReplicas.syncRecord(other, ports.get(4), SpecKittyReplicas.token(99), 999_999);

    Map<Long, String> expected = new TreeMap<>();
    expected.put(live.pid(), "operator_required+recorded");
    stale.values().forEach(p -> expected.put(p.pid(), "safe_auto"));
    expected.put(crossRoot.pid(), "operator_required");
    JsonNode scan = runJson(0, "scan", "sync");
    Map<Long, String> seen = classes(scan);
    seen.keySet().retainAll(expected.keySet());
    assertEquals(expected, seen, scan.toString());

    JsonNode cleaned = runJson(0, "cleanup", "sync");
    assertEquals(
        Set.copyOf(stale.values().stream().map(Process::pid).toList()),
        pids(cleaned.get("swept")),
        cleaned.toString());
    stale.values().forEach(p -> SyncDaemons.awaitGone(p.pid(), Duration.ofSeconds(10)));
    assertTrue(alive(live.pid()) && alive(crossRoot.pid()), cleaned.toString());

    JsonNode ensured = runJson(0, "sync", "ensure");
    assertTrue(alive(live.pid()), "sync ensure leaves spec-kitty's live daemon alone");
    assertTrue(ensured.get("pid").asLong() != live.pid(), "kitty's singleton is its own");

    JsonNode reset = runJson(0, "doctor", "sync", "--reset");
    assertEquals(Set.of(crossRoot.pid()), pids(reset.get("swept")), reset.toString());
    assertTrue(alive(live.pid()), "reset skips the recorded live daemon");

    // The operator's kill is the one command that stops it.
    JsonNode killed = runJson(0, "kill", Long.toString(live.pid()), "--family", "sync");
    assertEquals(Set.of(live.pid()), pids(killed.get("swept")), killed.toString());
  }

  @Test
  void anotherUsersOrphanedDashboardAndStaleSyncDaemonAreNeverTouched() throws Exception {
    OtherUsersIT.secondUser();
    int dash = freePorts(1, 9237, 9337).getFirst();
    int sync = freePorts(1, 9400, 9450).getFirst();
    // The other user's own folder (the test's temp dir is closed to them).
    Path theirs = Files.createTempDirectory("kitty-other-");
    try {
      Path project = Files.createDirectories(theirs.resolve("project"));
      Path theirRoot = Files.createDirectories(theirs.resolve("spec-kitty"));
      chown(theirs, project, theirRoot);
      // Seed 000's orphan, a dashboard whose project is deleted, but another user's.
      Process dashboard =
          SpecKittyReplicas.dashboard(
              procs, OtherUsersIT.asSecondUser(), project, dash, SpecKittyReplicas.token(30));
      // A sync daemon of another user's root with no record: stale for its scope, not kitty's.
      Process daemon =
          SpecKittyReplicas.sync(
              procs,
              theirRoot,
              sync,
              SpecKittyReplicas.token(31),
              "3.2.7",
              OtherUsersIT.asSecondUser());
      awaitAll(List.of(dash, sync));
      deleteTree(project);

      JsonNode scan = runJson(0, "scan", "dashboard", "sync");
      Map<Long, String> seen = classes(scan);
      assertEquals("never_touch", seen.get(dashboard.pid()), scan.toString());
      assertEquals("never_touch", seen.get(daemon.pid()), scan.toString());
      assertTrue(
          scan.toString().contains("owned by user " + OtherUsersIT.USER + " (uid "),
          scan.toString());
      assertEquals(0, runJson(0, "dashboard", "--cleanup").get("swept").size());
      assertEquals(0, runJson(0, "doctor", "dashboard", "sync", "--reset").get("swept").size());
      assertTrue(alive(dashboard.pid()), "another user's dashboard was not signalled");
      assertTrue(alive(daemon.pid()), "another user's sync daemon was not signalled");
    } finally {
      procs.killAll();
      deleteTree(theirs);
    }
  }

  private static void chown(Path... paths) throws Exception {
    for (Path p : paths) {
      Process chown = new ProcessBuilder("chown", OtherUsersIT.USER, p.toString()).start();
      assertEquals(0, chown.waitFor(), "chown " + p);
    }
  }

  private static void deleteTree(Path dir) throws Exception {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
