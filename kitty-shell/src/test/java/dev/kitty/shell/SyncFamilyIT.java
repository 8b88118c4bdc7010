package dev.kitty.shell;

import static dev.kitty.shell.SyncDaemons.alive;
import static dev.kitty.shell.SyncDaemons.awaitGone;
import static dev.kitty.shell.SyncDaemons.awaitHealthy;
import static dev.kitty.shell.SyncDaemons.daemon;
import static dev.kitty.shell.SyncDaemons.health;
import static dev.kitty.shell.SyncDaemons.kitty;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.testkit.FixtureDaemons;
import dev.kitty.testkit.SpecKittyFixtures;
import dev.kitty.testkit.TrackedProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Seed 001 ("Safe Sync Daemon Orphan Cleanup") on real sync daemons, real kitty processes and real
 * loopback ports: one test per acceptance scenario AS-1…AS-7, the same-$HOME singleton leak
 * (FR-012), upgrade (FR-008) and the faults of the sync family's issue.
 */
class SyncFamilyIT {

  /** The version a test's kitty treats as current; the leaked daemons run 3.2.2, 3.2.3, 3.2.4. */
  private static final Map<String, String> CURRENT = Map.of("KITTY_SYNC_PACKAGE_VERSION", "3.2.5");

  @RegisterExtension final TrackedProcesses procs = new TrackedProcesses();

  @TempDir Path home;

  private Path state() {
    return home.resolve("state");
  }

  private Path root() {
    return state().resolve("sync").toAbsolutePath().normalize();
  }

  private KittyRun.Result run(String... args) {
    return kitty(procs, home, CURRENT, args);
  }

  private KittyRun.Result run(Map<String, String> env, String... args) {
    Map<String, String> all = new HashMap<>(CURRENT);
    all.putAll(env);
    return kitty(procs, home, all, args);
  }

  /** Leaked daemons of this scope, one per version, on free ports of the sync range. */
  private Map<Long, Integer> leaked(String... versions) {
    Map<Long, Integer> out = new LinkedHashMap<>();
    List<Integer> ports = new ArrayList<>();
    for (String v : versions) {
      int port = freeSyncPort(ports);
      ports.add(port);
      out.put(daemon(procs, state(), port, v, Map.of()).pid(), port);
    }
    ports.forEach(SyncDaemons::awaitHealthy);
    return out;
  }

  private static int freeSyncPort(List<Integer> taken) {
    for (int p = 9400; p < 9450; p++) {
      if (!taken.contains(p) && bindable(p)) {
        return p;
      }
    }
    throw new IllegalStateException("no free port in the sync range");
  }

  private static boolean bindable(int port) {
    try (java.net.ServerSocket s = new java.net.ServerSocket()) {
      s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (java.io.IOException taken) {
      return false;
    }
  }

  private static JsonNode candidate(JsonNode doc, int port) {
    for (JsonNode f : doc.get("families")) {
      for (JsonNode c : f.get("candidates")) {
        if (c.get("port").asInt() == port) {
          return c;
        }
      }
    }
    throw new AssertionError("no candidate on port " + port + " in " + doc);
  }

  private static Set<Long> pids(JsonNode array) {
    Set<Long> out = new HashSet<>();
    array.forEach(e -> out.add(e.get("pid").asLong()));
    return out;
  }

  /** The sync daemons of this scope listening in the sync range, by the scan's identity records. */
  private List<JsonNode> daemonsOfThisScope() {
    JsonNode scan = run("--json", "scan", "sync").json();
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode c : scan.get("families").get(0).get("candidates")) {
      if (root().toString().equals(c.path("daemon_root").asString(""))) {
        out.add(c);
      }
    }
    return out;
  }

  @Test
  void as1_noRedundantSpawn_staleDaemonsOfThreeVersionsAreCleanedAndExactlyOneDaemonRemains() {
    Map<Long, Integer> stale = leaked("3.2.2", "3.2.3", "3.2.4");

    KittyRun.Result first = run("--json", "sync", "ensure");
    assertEquals(0, first.code(), first.err());
    JsonNode r = first.json();
    assertEquals(stale.keySet(), pids(r.get("cleaned").get("swept")), r.toString());
    for (JsonNode e : r.get("cleaned").get("swept")) {
      assertEquals(stale.get(e.get("pid").asLong()).intValue(), e.get("port").asInt());
      assertTrue(e.get("package_version").asString().startsWith("3.2."), e.toString());
      assertEquals(1, e.get("protocol_version").asInt());
    }
    stale.keySet().forEach(pid -> awaitGone(pid, Duration.ofSeconds(5)));
    assertFalse(r.get("reused").asBoolean());
    long pid = r.get("pid").asLong();
    assertEquals("3.2.5", health(r.get("port").asInt()).get("package_version").asString());

    List<JsonNode> daemons = daemonsOfThisScope();
    assertEquals(1, daemons.size(), daemons.toString());
    assertEquals(pid, daemons.getFirst().get("pid").asLong());
    assertTrue(daemons.getFirst().get("recorded").asBoolean());

    JsonNode again = run("--json", "sync", "ensure").json();
    assertTrue(again.get("reused").asBoolean());
    assertEquals(pid, again.get("pid").asLong());
    assertEquals(0, again.get("cleaned").get("swept").size());

    KittyRun.Result status = run("--json", "sync", "status");
    assertEquals(0, status.code(), status.err());
    assertEquals(pid, status.json().get("singleton").get("pid").asLong(), status.out());
  }

  @Test
  void as2_ambiguousDaemonsAreSurfacedWithOneStepFixAndNeverKilledByStartup() throws Exception {
    Map<Long, Integer> preMarker = leaked("3.2.4");
    long preMarkerPid = preMarker.keySet().iterator().next();
    Files.delete(root().resolve("markers").resolve(preMarkerPid + ".json"));

    Path otherHome = Files.createDirectories(home.resolve("other-home/state"));
    int crossPort = freeSyncPort(List.copyOf(preMarker.values()));
    Process crossRoot = daemon(procs, otherHome, crossPort, "3.2.4", Map.of());
    awaitHealthy(crossPort);

    int liarPort = freeSyncPort(List.of(preMarker.values().iterator().next(), crossPort));
    Map<String, Object> lie = new LinkedHashMap<>();
    lie.put("daemon_family", "sync");
    lie.put("protocol_version", 1);
    lie.put("package_version", "3.2.4");
    lie.put("pid", 1);
    lie.put("port", liarPort);
    lie.put("daemon_root", root().toString());
    lie.put("singleton_scope_id", root().toString());
    Process liar = FixtureDaemons.jsonServer(procs, liarPort, Map.of("/api/health", lie));

    KittyRun.Result ensure = run("--json", "sync", "ensure");
    assertEquals(0, ensure.code(), ensure.err());
    JsonNode skipped = ensure.json().get("cleaned").get("skipped");
    assertTrue(
        pids(skipped).containsAll(Set.of(preMarkerPid, crossRoot.pid(), liar.pid())),
        skipped.toString());
    assertEquals(0, ensure.json().get("cleaned").get("swept").size());
    assertTrue(alive(preMarkerPid) && alive(crossRoot.pid()) && alive(liar.pid()));

    KittyRun.Result doctor = run("--json", "doctor", "sync");
    assertEquals(3, doctor.code(), doctor.err());
    JsonNode d = doctor.json();
    JsonNode pm = candidate(d, preMarker.get(preMarkerPid));
    assertEquals("operator_required", pm.get("cleanup_class").asString());
    assertTrue(pm.get("skip_reason").asString().startsWith("pre-marker"), pm.toString());
    JsonNode cr = candidate(d, crossPort);
    assertEquals("operator_required", cr.get("cleanup_class").asString());
    assertTrue(cr.get("skip_reason").asString().startsWith("cross-root"), cr.toString());
    JsonNode li = candidate(d, liarPort);
    assertEquals("operator_required", li.get("cleanup_class").asString());
    assertTrue(li.get("skip_reason").asString().contains("reports pid 1"), li.toString());
    assertTrue(d.get("remediation").toString().contains("kitty doctor sync --reset"), d.toString());
  }

  @Test
  void as3_doctorShowsTheIdentityRecordAndClassOfEveryCandidate() {
    run("--json", "sync", "ensure");
    Map<Long, Integer> stale = leaked("3.2.2");
    int thirdPort = freeSyncPort(new ArrayList<>(stale.values()));
    for (JsonNode c :
        run("--json", "scan", "sync").json().get("families").get(0).get("candidates")) {
      thirdPort =
          c.get("port").asInt() == thirdPort
              ? freeSyncPort(List.of(thirdPort, c.get("port").asInt()))
              : thirdPort;
    }
    FixtureDaemons.plainHttpServer(procs, thirdPort);

    KittyRun.Result doctor = run("--json", "doctor", "sync");
    JsonNode d = doctor.json();
    int syncSeen = 0;
    for (JsonNode c : d.get("families").get(0).get("candidates")) {
      for (String field :
          List.of(
              "daemon_family",
              "pid",
              "port",
              "identity_source",
              "cleanup_class",
              "skip_reason",
              "recorded")) {
        assertTrue(c.has(field), field + " missing in " + c);
      }
      if (c.get("port").asInt() == thirdPort) {
        assertEquals("never_touch", c.get("cleanup_class").asString());
        continue;
      }
      if (!root().toString().equals(c.path("daemon_root").asString(""))) {
        continue;
      }
      syncSeen++;
      for (String field :
          List.of(
              "protocol_version",
              "package_version",
              "singleton_scope_id",
              "daemon_root",
              "queue_db_path",
              "auth_scope",
              "server_url",
              "owner_present",
              "executable",
              "spawn_shape",
              "intent",
              "in_flight",
              "started_at")) {
        assertTrue(c.has(field), field + " missing in " + c);
      }
      assertEquals("production", c.get("spawn_shape").asString());
      assertEquals("marker", c.get("identity_source").asString());
    }
    assertEquals(2, syncSeen, d.toString());
    String recordToken = d.get("records").get(0).get("data").get("token").asString();
    assertEquals("<redacted>", recordToken, "doctor never prints a daemon's shutdown token");
    long live = d.get("trees").get(0).get("pid").asLong();
    assertTrue(
        d.get("trees").get(0).get("nodes").toString().contains("\"pid\":" + live), d.toString());
    assertEquals(
        live,
        d.get("trees").get(0).get("nodes").get(0).get("pid").asLong(),
        "the tree starts at the daemon, the leader of its own session, not at what adopted it: "
            + d.get("trees"));
    assertEquals(
        "safe_auto",
        candidate(d, stale.values().iterator().next()).get("cleanup_class").asString());

    String human = run("doctor", "sync").out();
    assertTrue(
        human.contains("safe_auto") && human.contains("recorded") && human.contains("never_touch"),
        human);
    assertTrue(human.contains("package_version 3.2.2"), human);
    assertTrue(human.contains("kitty cleanup sync"), human);
  }

  @Test
  void as4_resetReportsExactlyWhatHappenedToEachProcess() throws Exception {
    JsonNode live = run("--json", "sync", "ensure").json();
    Map<Long, Integer> stale = leaked("3.2.3", "3.2.4");
    Long preMarkerPid = stale.keySet().stream().skip(1).findFirst().orElseThrow();
    Files.delete(root().resolve("markers").resolve(preMarkerPid + ".json"));
    List<Integer> taken = new ArrayList<>(stale.values());
    taken.add(live.get("port").asInt());
    int thirdPort = freeSyncPort(taken);
    Process third = FixtureDaemons.plainHttpServer(procs, thirdPort);
    taken.add(thirdPort);
    // A sync-shaped server whose listening socket a child inherited: TERM and KILL end the owner,
    // the child keeps the port open, so the stop cannot be verified and must be reported failed.
    int stuckPort = freeSyncPort(taken);
    FixtureDaemons.SharedSocket stuck =
        FixtureDaemons.forkedJsonServer(
            procs, stuckPort, Map.of("/api/health", SpecKittyFixtures.syncHealth(stuckPort)));

    KittyRun.Result reset = run("--json", "doctor", "sync", "--reset");
    assertEquals(1, reset.code(), reset.out() + reset.err());
    JsonNode r = reset.json();
    Set<Long> swept = pids(r.get("swept"));
    Set<Long> skipped = pids(r.get("skipped"));
    Set<Long> failed = pids(r.get("failed"));
    assertEquals(stale.keySet(), swept, r.toString());
    assertTrue(
        skipped.contains(live.get("pid").asLong()) && skipped.contains(third.pid()), r.toString());
    assertTrue(
        failed.contains(stuck.owner().pid()) || failed.contains(stuck.child()), r.toString());
    for (JsonNode f : r.get("failed")) {
      assertFalse(f.get("reason").asString().isBlank(), f.toString());
    }
    Set<Long> all = new HashSet<>(swept);
    all.addAll(skipped);
    all.addAll(failed);
    assertEquals(
        swept.size() + skipped.size() + failed.size(), all.size(), "a pid in two arrays: " + r);
    for (JsonNode e : r.get("swept")) {
      assertFalse(alive(e.get("pid").asLong()), "swept but alive: " + e);
      assertTrue(
          List.of("http_shutdown", "sigterm", "sigkill").contains(e.get("cleanup_path").asString()),
          e.toString());
    }
    assertTrue(alive(live.get("pid").asLong()) && alive(third.pid()));
    assertTrue(alive(stuck.child()), "the inheriting child really survived, as reported");

    String human = run("doctor", "sync", "--reset").out();
    assertTrue(
        human.contains("swept") && human.contains("skipped") && human.contains("failed"), human);
  }

  @Test
  void as5_aDaemonThatIsNoLongerTheSingletonRetiresOnceIdle() throws Exception {
    Map<String, String> quick = Map.of("KITTY_SYNC_RETIRE_AFTER", "PT1S");
    JsonNode singleton = run(quick, "--json", "sync", "ensure").json();
    long singletonPid = singleton.get("pid").asLong();

    int idlePort = freeSyncPort(List.of(singleton.get("port").asInt()));
    Process idle = daemon(procs, state(), idlePort, "3.2.5", quick);
    int busyPort = freeSyncPort(List.of(singleton.get("port").asInt(), idlePort));
    Process busy = daemon(procs, state(), busyPort, "3.2.5", quick);
    awaitHealthy(idlePort);
    awaitHealthy(busyPort);
    assertEquals(202, SyncDaemons.submitJob(busyPort, 5000));
    Path idleMarker = root().resolve("markers").resolve(idle.pid() + ".json");
    assertTrue(Files.exists(idleMarker));

    awaitGone(idle.pid(), Duration.ofSeconds(10));
    assertFalse(Files.exists(idleMarker), "a retired daemon removes its marker");
    assertTrue(alive(busy.pid()), "a daemon with a job in flight does not retire");
    assertEquals(1, health(busyPort).get("in_flight").asInt());
    awaitGone(busy.pid(), Duration.ofSeconds(15));
    String queue =
        Files.readString(
            Path.of(health(singleton.get("port").asInt()).get("queue_db_path").asString()));
    assertTrue(queue.contains("\"state\":\"done\""), queue);

    assertTrue(alive(singletonPid), "the recorded singleton never retires");
  }

  @Test
  void as6_crossFamilyBoundariesSurviveEverySyncAndDashboardPath() throws Exception {
    Map<Integer, Process> mustSurvive = new LinkedHashMap<>();
    for (int port : new int[] {9399, 9450, 9236, 9337}) {
      mustSurvive.put(port, daemon(procs, state(), port, "3.2.2", Map.of()));
    }
    for (int port : new int[] {9237, 9336}) {
      Path project = Files.createDirectories(home.resolve("project-" + port));
      mustSurvive.put(
          port,
          FixtureDaemons.jsonServer(
              procs,
              port,
              Map.of(
                  "/api/health",
                  Map.of(
                      "status", "ok", "project_path", project.toString(), "token", "t" + port))));
    }
    int thirdSync = TrackedProcesses.freePort(9420, 9440);
    mustSurvive.put(thirdSync, FixtureDaemons.plainHttpServer(procs, thirdSync));
    int thirdDash = TrackedProcesses.freePort(9280, 9300);
    mustSurvive.put(thirdDash, FixtureDaemons.plainHttpServer(procs, thirdDash));
    for (int port : new int[] {9399, 9450, 9236, 9337}) {
      awaitHealthy(port);
    }

    Long recorded = null;
    for (List<String> path :
        List.of(
            List.of("sync", "ensure"),
            List.of("cleanup", "sync"),
            List.of("doctor", "sync", "--reset"))) {
      Map<Integer, Process> edges = edgeDaemons();
      List<String> args = new ArrayList<>(List.of("--json"));
      args.addAll(path);
      KittyRun.Result r = run(args.toArray(String[]::new));
      JsonNode doc = r.json();
      JsonNode report = doc.has("cleaned") ? doc.get("cleaned") : doc;
      if (doc.has("cleaned")) {
        recorded = doc.get("pid").asLong();
      }
      Set<Long> expected = new HashSet<>();
      edges.values().forEach(p -> expected.add(p.pid()));
      assertEquals(expected, pids(report.get("swept")), path + ": " + doc);
      edges.values().forEach(p -> awaitGone(p.pid(), Duration.ofSeconds(5)));
      mustSurvive.forEach(
          (port, p) -> assertTrue(alive(p.pid()), path + " touched the listener on " + port));
      assertTrue(recorded != null && alive(recorded), path + " touched the recorded singleton");
    }
    Map<Integer, Process> syncSide = edgeDaemons();
    for (List<String> path :
        List.of(List.of("cleanup", "dashboard"), List.of("doctor", "dashboard", "--reset"))) {
      List<String> args = new ArrayList<>(List.of("--json"));
      args.addAll(path);
      JsonNode r = run(args.toArray(String[]::new)).json();
      for (JsonNode e : r.get("swept")) {
        assertEquals("dashboard", e.get("daemon_family").asString(), r.toString());
        int port = e.get("port").asInt();
        assertTrue(port >= 9237 && port < 9337, path + " swept port " + port);
      }
      syncSide.forEach(
          (port, p) -> assertTrue(alive(p.pid()), path + " touched the sync daemon on " + port));
      for (int port : new int[] {9399, 9450, 9236, 9337, thirdSync, thirdDash}) {
        assertTrue(alive(mustSurvive.get(port).pid()), path + " touched the listener on " + port);
      }
      assertTrue(alive(recorded), path + " touched the recorded sync singleton");
    }
  }

  /** Stale daemons of this scope on the first and last port of the sync range. */
  private Map<Integer, Process> edgeDaemons() {
    Map<Integer, Process> out = new LinkedHashMap<>();
    for (int port : new int[] {9400, 9449}) {
      out.put(port, daemon(procs, state(), port, "3.2.4", Map.of()));
    }
    out.keySet().forEach(SyncDaemons::awaitHealthy);
    return out;
  }

  @Test
  void as7_theDefaultIntentIsLocalOnlyAndHostedSyncIsNeverForced() {
    KittyRun.Result hosted = run("--json", "sync", "ensure", "--intent", "hosted");
    assertEquals(2, hosted.code(), hosted.out());
    assertTrue(hosted.err().contains("KITTY_ENABLE_HOSTED_SYNC=1"), hosted.err());
    assertTrue(daemonsOfThisScope().isEmpty(), "a refused request starts nothing");

    JsonNode local = run("--json", "sync", "ensure").json();
    JsonNode health = health(local.get("port").asInt());
    assertEquals("LOCAL_ONLY", health.get("intent").asString());
    assertTrue(health.get("server_url").isNull(), health.toString());
    assertTrue(health.get("auth_scope").isNull(), health.toString());
  }

  @Test
  void fr012_twentyParallelEnsuresEndWithOneDaemonThatAllOfThemReport() {
    List<Process> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(SyncDaemons.startKitty(procs, home, CURRENT, "--json", "sync", "ensure"));
    }
    Set<Long> reported = new HashSet<>();
    int started = 0;
    for (Process p : calls) {
      KittyRun.Result r = SyncDaemons.finish(p, "--json", "sync", "ensure");
      assertEquals(0, r.code(), r.err());
      reported.add(r.json().get("pid").asLong());
      started += r.json().get("reused").asBoolean() ? 0 : 1;
    }
    assertEquals(1, reported.size(), "all 20 report the same daemon: " + reported);
    assertEquals(1, started, "exactly one call started it");
    List<JsonNode> daemons = daemonsOfThisScope();
    assertEquals(1, daemons.size(), daemons.toString());
    assertEquals(reported.iterator().next(), daemons.getFirst().get("pid").asLong());
  }

  @Test
  void fr008_theRecordedSingletonOfAnOlderVersionIsReplacedOnUpgrade() {
    JsonNode old =
        run(Map.of("KITTY_SYNC_PACKAGE_VERSION", "3.2.4"), "--json", "sync", "ensure").json();
    JsonNode upgraded = run("--json", "sync", "ensure").json();
    assertFalse(upgraded.get("reused").asBoolean());
    assertNotEquals(old.get("pid").asLong(), upgraded.get("pid").asLong());
    assertEquals(Set.of(old.get("pid").asLong()), pids(upgraded.get("cleaned").get("swept")));
    JsonNode swept = upgraded.get("cleaned").get("swept").get(0);
    assertEquals("3.2.4", swept.get("package_version").asString());
    assertEquals(
        "http_shutdown",
        swept.get("cleanup_path").asString(),
        "the recorded daemon's token is in the record");
    awaitGone(old.get("pid").asLong(), Duration.ofSeconds(5));
  }

  @Test
  void aCorruptSingletonRecordIsReportedAndRebuiltAndItsDaemonIsNotKilled() throws Exception {
    JsonNode first = run("--json", "sync", "ensure").json();
    long firstPid = first.get("pid").asLong();
    Path record = state().resolve("records/sync.json");
    Files.writeString(record, "{\"pid\": 12");

    JsonNode doctor = run("--json", "doctor", "sync").json();
    JsonNode c = candidate(doctor, first.get("port").asInt());
    assertEquals("operator_required", c.get("cleanup_class").asString());
    assertTrue(c.get("skip_reason").asString().contains("is corrupt"), c.toString());

    JsonNode second = run("--json", "sync", "ensure").json();
    assertTrue(second.get("notes").toString().contains("is corrupt"), second.toString());
    // Moved aside, not lost: the corrupt bytes wait in the quarantine folder for a person.
    assertTrue(second.get("notes").toString().contains("was moved to "), second.toString());
    try (var q = Files.list(state().resolve("quarantine"))) {
      Path kept =
          q.filter(f -> f.getFileName().toString().startsWith("sync.json."))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no quarantined record"));
      assertEquals("{\"pid\": 12", Files.readString(kept));
    }
    assertNotEquals(firstPid, second.get("pid").asLong());
    assertTrue(Files.readString(record).contains("\"pid\":" + second.get("pid").asLong()));
    assertTrue(alive(firstPid), "an unprovable daemon is never killed by startup");
  }

  @Test
  void aMarkerThatIsWorldWritableOrCorruptIsRefusedAsEvidence() throws Exception {
    Map<Long, Integer> two = leaked("3.2.2", "3.2.3");
    List<Long> pids = List.copyOf(two.keySet());
    Path writable = root().resolve("markers").resolve(pids.get(0) + ".json");
    Files.setPosixFilePermissions(writable, PosixFilePermissions.fromString("rw-rw-rw-"));
    Files.writeString(
        root().resolve("markers").resolve(pids.get(1) + ".json"), "{\"daemon_family\":\"sync\",");

    JsonNode doctor = run("--json", "doctor", "sync").json();
    JsonNode a = candidate(doctor, two.get(pids.get(0)));
    assertEquals("operator_required", a.get("cleanup_class").asString());
    assertTrue(a.get("skip_reason").asString().contains("refused as evidence"), a.toString());
    JsonNode b = candidate(doctor, two.get(pids.get(1)));
    assertEquals("operator_required", b.get("cleanup_class").asString());
    assertTrue(b.get("skip_reason").asString().contains("is corrupt"), b.toString());

    JsonNode cleanup = run("--json", "cleanup", "sync").json();
    assertEquals(0, cleanup.get("swept").size(), cleanup.toString());
    assertTrue(alive(pids.get(0)) && alive(pids.get(1)));
  }
}
