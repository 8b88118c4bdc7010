package dev.kitty.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.shell.command.Session;
import dev.kitty.testkit.FixtureDaemons;
import dev.kitty.testkit.SpecKittyFixtures;
import dev.kitty.testkit.TrackedProcesses;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The stop engine on real processes and real loopback ports. */
class StopEngineIT {

  @RegisterExtension final TrackedProcesses procs = new TrackedProcesses();

  @TempDir Path home;

  private Process syncShaped(int port) {
    Map<String, Object> health = SpecKittyFixtures.syncHealth(port);
    return FixtureDaemons.jsonServer(procs, port, Map.of("/api/health", health));
  }

  private Process dashboardShaped(int port) throws Exception {
    Path project = Files.createDirectories(home.resolve("project-" + port));
    return FixtureDaemons.jsonServer(
        procs,
        port,
        Map.of(
            "/api/health",
            Map.of("status", "ok", "project_path", project.toString(), "token", "t" + port)));
  }

  private static boolean alive(Process p) {
    return p.toHandle().isAlive() && !state(p.pid()).equals("Z");
  }

  private static String state(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    } catch (Exception gone) {
      return "gone";
    }
  }

  private static Set<Integer> survivors(Map<Integer, Process> byPort) {
    Set<Integer> out = new TreeSet<>();
    byPort.forEach(
        (port, p) -> {
          TrackedProcesses.await(
              "pid " + p.pid() + " to settle", Duration.ofSeconds(5), () -> true);
          if (alive(p)) {
            out.add(port);
          }
        });
    return out;
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void theBoundaryMatrixSurvivesEveryPathExceptItsOwnDaemons() throws Exception {
    Map<Integer, Process> all = new LinkedHashMap<>();
    // sync range [9400, 9450): first and last ports, just outside, a third party, a
    // dashboard-shaped squatter.
    for (int port : List.of(9400, 9449, 9399, 9450)) {
      all.put(port, syncShaped(port));
    }
    int syncThird = TrackedProcesses.freePort(9401, 9449);
    all.put(syncThird, FixtureDaemons.plainHttpServer(procs, syncThird));
    int dashInSync = TrackedProcesses.freePort(syncThird + 1, 9449);
    all.put(dashInSync, dashboardShaped(dashInSync));
    // dashboard range [9237, 9337): the same shapes, mirrored.
    for (int port : List.of(9237, 9336, 9236, 9337)) {
      all.put(port, dashboardShaped(port));
    }
    int dashThird = TrackedProcesses.freePort(9238, 9336);
    all.put(dashThird, FixtureDaemons.plainHttpServer(procs, dashThird));
    int syncInDash = TrackedProcesses.freePort(dashThird + 1, 9336);
    all.put(syncInDash, syncShaped(syncInDash));
    Set<Integer> everyone = new TreeSet<>(all.keySet());

    // cleanup stops safe_auto only: none of these is proven stale, so nothing dies.
    for (String family : List.of("sync", "dashboard")) {
      KittyRun.Result r = KittyRun.run(KittyRun.env(home), "--json", "cleanup", family);
      assertEquals(0, r.code(), r.err());
      assertEquals(0, r.json().get("swept").size(), r.out());
      assertEquals(everyone, survivors(all), "after cleanup " + family);
    }

    KittyRun.Result sync = KittyRun.run(KittyRun.env(home), "--json", "doctor", "sync", "--reset");
    assertEquals(0, sync.code(), sync.err());
    Set<Integer> afterSync = new TreeSet<>(everyone);
    afterSync.removeAll(List.of(9400, 9449));
    assertEquals(
        afterSync, survivors(all), "doctor sync --reset stops exactly the sync daemons in range");
    assertEquals(Set.of(9400, 9449), ports(sync.json().get("swept")));
    assertEquals(Set.of(syncThird, dashInSync), ports(sync.json().get("skipped")));
    assertEquals(0, sync.json().get("failed").size());

    KittyRun.Result dash =
        KittyRun.run(KittyRun.env(home), "--json", "doctor", "dashboard", "--reset");
    assertEquals(0, dash.code(), dash.err());
    Set<Integer> afterDash = new TreeSet<>(afterSync);
    afterDash.removeAll(List.of(9237, 9336));
    assertEquals(
        afterDash,
        survivors(all),
        "doctor dashboard --reset stops exactly the dashboards in range");
    assertEquals(Set.of(9237, 9336), ports(dash.json().get("swept")));
    assertEquals("tree", dash.json().get("swept").get(0).get("cleanup_path").asString());
  }

  private static Set<Integer> ports(JsonNode entries) {
    Set<Integer> out = new TreeSet<>();
    entries.forEach(e -> out.add(e.get("port").asInt()));
    return out;
  }

  @Test
  void aDashboardThatHonoursShutdownIsStoppedOverHttpWithTheMetadataToken() throws Exception {
    int port = TrackedProcesses.freePort(9237, 9337);
    Path project = Files.createDirectories(home.resolve("polite"));
    Process polite =
        FixtureDaemons.jsonServer(
            procs,
            port,
            Map.of(
                "/api/health",
                Map.of("project_path", project.toString()),
                FixtureDaemons.SHUTDOWN_TOKEN,
                "sekrit"));
    // The project's record names an older dashboard (pid 1 never is one): this one is an orphan.
    Path meta = Files.createDirectories(project.resolve(".kittify")).resolve(".dashboard");
    Files.writeString(meta, "http://127.0.0.1:" + port + "\n" + port + "\nsekrit\n1\n");
    KittyRun.Result r =
        KittyRun.run(KittyRun.env(home), "--json", "doctor", "dashboard", "--reset");
    assertEquals(0, r.code(), r.out() + r.err());
    assertEquals(
        "http_shutdown", r.json().get("swept").get(0).get("cleanup_path").asString(), r.out());
    TrackedProcesses.await("the dashboard to exit", Duration.ofSeconds(5), () -> !alive(polite));
    List<String> audit = Files.readAllLines(home.resolve("state/audit.log"));
    assertTrue(
        audit.stream()
            .noneMatch(
                l -> l.contains("\"pid\":" + polite.pid()) && l.contains("\"outcome\":\"sent\"")),
        "no signal was needed: " + audit);
  }

  @Test
  void aStackServiceIsStoppedWithItsWholeProcessGroup() throws Exception {
    int port = TrackedProcesses.freePort(3000, 3100);
    String script =
        "import subprocess, sys\n"
            + "kids = [subprocess.Popen(['sleep', '600']) for _ in range(2)]\n"
            + "print(' '.join(str(k.pid) for k in kids), flush=True)\n"
            + FixtureDaemons.SERVER_SOURCE;
    // A service the way a stack runner starts it: its own session and group, the stack's cookies.
    ProcessBuilder pb =
        new ProcessBuilder("setsid", "python3", "-c", script, Integer.toString(port), "{}")
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment()
        .putAll(
            Map.of(
                "KITTY_LAUNCH_ID",
                "L-group-test",
                "KITTY_SERVICE",
                "api",
                "KITTY_FAMILY",
                "devstack"));
    Process service = procs.start(pb);
    List<Long> kids = new ArrayList<>();
    for (String k :
        new BufferedReader(new InputStreamReader(service.getInputStream()))
            .readLine()
            .strip()
            .split(" ")) {
      kids.add(Long.parseLong(k));
    }
    TrackedProcesses.awaitListening("127.0.0.1", port, Duration.ofSeconds(10));
    KittyRun.Result r = KittyRun.run(KittyRun.env(home), "--json", "doctor", "devstack", "--reset");
    assertEquals(0, r.code(), r.out() + r.err());
    assertEquals("group", r.json().get("swept").get(0).get("cleanup_path").asString(), r.out());
    for (long kid : kids) {
      TrackedProcesses.await(
          "group member " + kid + " to be stopped",
          Duration.ofSeconds(5),
          () -> state(kid).equals("gone") || state(kid).equals("Z"));
    }
    List<String> audit = Files.readAllLines(home.resolve("state/audit.log"));
    assertTrue(
        audit.stream().anyMatch(l -> l.contains("(group " + service.pid() + ")")),
        "one kill(-pgid) for the group: " + audit);
  }

  @Test
  void aDaemonThatIgnoresTermIsKilledAfterItsGrace() {
    int port = TrackedProcesses.freePort(9400, 9450);
    String script =
        "import signal; signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
            + FixtureDaemons.SERVER_SOURCE;
    Map<String, Object> health = SpecKittyFixtures.syncHealth(port);
    Process p = FixtureDaemons.jsonServer(procs, port, Map.of("/api/health", health), script);
    KittyRun.Result r = KittyRun.run(KittyRun.env(home), "--json", "doctor", "sync", "--reset");
    assertEquals(0, r.code(), r.out() + r.err());
    assertEquals("sigkill", r.json().get("swept").get(0).get("cleanup_path").asString());
    TrackedProcesses.await("the TERM-proof daemon to die", Duration.ofSeconds(5), () -> !alive(p));
  }

  @Test
  void aStopThatWaitsShowsAProgressLineOnATerminalAndNowhereElse() {
    int port = TrackedProcesses.freePort(9400, 9450);
    String script =
        "import signal; signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
            + FixtureDaemons.SERVER_SOURCE;
    Process p =
        FixtureDaemons.jsonServer(
            procs, port, Map.of("/api/health", SpecKittyFixtures.syncHealth(port)), script);
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    Session terminal =
        new Session(
            KittyRun.env(home),
            new java.io.PrintWriter(out, true),
            new java.io.PrintWriter(err, true),
            true);
    assertEquals(0, Main.run(new String[] {"--no-color", "doctor", "sync", "--reset"}, terminal));
    assertTrue(
        err.toString()
            .matches(
                "(?s).*\\r  waiting for 1 processes to exit after SIGTERM \\(\\d\\.\\d s left\\).*"),
        err.toString());
    assertTrue(out.toString().contains("swept  1"), out.toString());
    TrackedProcesses.await("the TERM-proof daemon to die", Duration.ofSeconds(5), () -> !alive(p));

    Process q =
        FixtureDaemons.jsonServer(
            procs, port, Map.of("/api/health", SpecKittyFixtures.syncHealth(port)), script);
    java.io.StringWriter err2 = new java.io.StringWriter();
    Session json =
        new Session(
            KittyRun.env(home),
            new java.io.PrintWriter(new java.io.StringWriter(), true),
            new java.io.PrintWriter(err2, true),
            true);
    assertEquals(0, Main.run(new String[] {"--json", "doctor", "sync", "--reset"}, json));
    assertFalse(err2.toString().contains("waiting for"), "never with --json: " + err2);
    TrackedProcesses.await("the second daemon to die", Duration.ofSeconds(5), () -> !alive(q));
  }

  @Test
  void aDashboardsWholeTreeIsStoppedWithIt() throws Exception {
    int port = TrackedProcesses.freePort(9237, 9337);
    Path project = Files.createDirectories(home.resolve("tree-project"));
    String script =
        "import subprocess, sys\n"
            + "kids = [subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'], close_fds=True) for _ in range(3)]\n"
            + "print(' '.join(str(k.pid) for k in kids), flush=True)\n"
            + FixtureDaemons.SERVER_SOURCE;
    Process daemon =
        FixtureDaemons.jsonServer(
            procs, port, Map.of("/api/health", Map.of("project_path", project.toString())), script);
    String kidsLine = new BufferedReader(new InputStreamReader(daemon.getInputStream())).readLine();
    List<Long> kids = new ArrayList<>();
    for (String k : kidsLine.strip().split(" ")) {
      kids.add(Long.parseLong(k));
    }
    KittyRun.Result r =
        KittyRun.run(KittyRun.env(home), "--json", "doctor", "dashboard", "--reset");
    assertEquals(0, r.code(), r.out() + r.err());
    assertEquals(Set.of(port), ports(r.json().get("swept")));
    for (long kid : kids) {
      TrackedProcesses.await(
          "descendant " + kid + " to be stopped with its daemon",
          Duration.ofSeconds(5),
          () -> state(kid).equals("gone") || state(kid).equals("Z"));
    }
    assertFalse(listening(port));
  }

  @Test
  void aRespawningShellWrapperIsFrozenAndStoppedSoNothingComesBack() throws Exception {
    int port = TrackedProcesses.freePort(7860, 7900);
    Process wrapper =
        procs.start(
            "sh",
            "-c",
            "while true; do python3 -m http.server "
                + port
                + " --bind 127.0.0.1 2>/dev/null; sleep 0.1; done");
    TrackedProcesses.awaitListening("127.0.0.1", port, Duration.ofSeconds(10));
    // What the seed's tools do: kill the listening process by its pid. The wrapper brings it back.
    long first = wrapper.toHandle().children().findFirst().orElseThrow().pid();
    ProcessHandle.of(first).ifPresent(ProcessHandle::destroyForcibly);
    TrackedProcesses.await(
        "the wrapper to respawn the server",
        Duration.ofSeconds(5),
        () -> wrapper.toHandle().children().anyMatch(c -> c.pid() != first) && listening(port));

    KittyRun.Result r = KittyRun.run(KittyRun.env(home), "--json", "doctor", "webui", "--reset");
    assertEquals(0, r.code(), r.out() + r.err());
    assertEquals(Set.of(port), ports(r.json().get("swept")));
    assertFalse(alive(wrapper), "the wrapper itself is stopped");
    Thread.sleep(3000);
    assertFalse(listening(port), "nothing came back within 3 s");
    assertEquals(0, wrapper.toHandle().descendants().filter(ProcessHandle::isAlive).count());
  }

  @Test
  void aGhostSocketIsReportedAndItsInheritorStopped() throws Exception {
    int port = TrackedProcesses.freePort(9400, 9450);
    FixtureDaemons.SharedSocket shared =
        FixtureDaemons.sharedSocket(procs, port, "run_sync_daemon (shape only)");
    Process owner = shared.owner();
    long child = shared.child();
    JsonNode live =
        KittyRun.run(KittyRun.env(home), "--json", "ghosts", "sync").json().get("ghosts").get(0);
    assertEquals(owner.pid(), live.get("owner_pid").asLong());

    owner.toHandle().destroyForcibly();
    TrackedProcesses.await("the owner to die", Duration.ofSeconds(5), () -> !alive(owner));
    assertTrue(listening(port), "the inheriting child keeps the port: a ghost");
    KittyRun.Result reset = KittyRun.run(KittyRun.env(home), "--json", "doctor", "sync", "--reset");
    assertEquals(0, reset.code(), reset.out() + reset.err());
    assertEquals(child, reset.json().get("swept").get(0).get("pid").asLong());
    assertFalse(listening(port));
  }

  @Test
  void aSocketStillListeningAfterItsRecordedOwnerDiedIsAGhost() throws Exception {
    int port = TrackedProcesses.freePort(9237, 9337);
    Path project = Files.createDirectories(home.resolve("ghost-project"));
    FixtureDaemons.SharedSocket shared =
        FixtureDaemons.forkedJsonServer(
            procs, port, Map.of("/api/health", Map.of("project_path", project.toString())));
    Process owner = shared.owner();
    long child = shared.child();
    Path meta = Files.createDirectories(project.resolve(".kittify")).resolve(".dashboard");
    Files.writeString(
        meta, "http://127.0.0.1:" + port + "\n" + port + "\nghosttoken\n" + owner.pid() + "\n");
    owner.toHandle().destroyForcibly();
    TrackedProcesses.await("the recorded owner to die", Duration.ofSeconds(5), () -> !alive(owner));

    JsonNode ghost =
        KittyRun.run(KittyRun.env(home), "--json", "ghosts", "dashboard")
            .json()
            .get("ghosts")
            .get(0);
    assertEquals(owner.pid(), ghost.get("owner_pid").asLong());
    assertEquals(child, ghost.get("holder_pids").get(0).asLong());
    assertTrue(
        ghost.get("reason").asString().startsWith("recorded owner pid " + owner.pid() + " is gone"),
        ghost.toString());
    KittyRun.Result doctor = KittyRun.run(KittyRun.env(home), "--json", "doctor", "dashboard");
    assertEquals(3, doctor.code());
    assertEquals(1, doctor.json().get("ghosts").size());
    KittyRun.Result reset =
        KittyRun.run(KittyRun.env(home), "--json", "doctor", "dashboard", "--reset");
    assertEquals(child, reset.json().get("swept").get(0).get("pid").asLong(), reset.out());
    assertFalse(listening(port));
  }

  @Test
  void killGoesThroughTheSameGate() throws Exception {
    int own = TrackedProcesses.freePort(9400, 9450);
    Process daemon = syncShaped(own);
    int third = TrackedProcesses.freePort(own + 1, 9450);
    Process squatter = FixtureDaemons.plainHttpServer(procs, third);
    KittyRun.Result refused =
        KittyRun.run(
            KittyRun.env(home),
            "--json",
            "kill",
            Long.toString(squatter.pid()),
            "--family",
            "sync");
    assertEquals(1, refused.code());
    assertTrue(
        refused
            .json()
            .get("skipped")
            .get(0)
            .get("skip_reason")
            .asString()
            .startsWith("not a sync daemon"),
        refused.out());
    assertTrue(alive(squatter));
    KittyRun.Result outside =
        KittyRun.run(
            KittyRun.env(home), "kill", Long.toString(daemon.pid()), "--family", "dashboard");
    assertEquals(2, outside.code());
    assertEquals(
        "kitty: pid "
            + daemon.pid()
            + " holds no listener in family dashboard's range [9237, 9337)\n",
        outside.err());
    KittyRun.Result dry =
        KittyRun.run(
            KittyRun.env(home),
            "--json",
            "kill",
            Long.toString(daemon.pid()),
            "--family",
            "sync",
            "--dry-run");
    assertTrue(dry.json().get("dry_run").asBoolean());
    assertTrue(alive(daemon), "a dry run signals nothing");
    KittyRun.Result killed =
        KittyRun.run(
            KittyRun.env(home), "--json", "kill", Long.toString(daemon.pid()), "--family", "sync");
    assertEquals(0, killed.code(), killed.out());
    TrackedProcesses.await("the daemon to die", Duration.ofSeconds(5), () -> !alive(daemon));
    List<String> audit = Files.readAllLines(home.resolve("state/audit.log"));
    assertTrue(
        audit.stream()
            .anyMatch(
                l -> l.contains("\"pid\":" + daemon.pid()) && l.contains("\"outcome\":\"sent\"")),
        audit.toString());
  }

  @Test
  void signalsGoThroughPidfdAndTheDoctorSaysSo() {
    JsonNode doctor = KittyRun.run(KittyRun.env(home), "--json", "doctor", "webui").json();
    assertEquals("pidfd (FFM)", doctor.get("signaller").asString());
  }

  @Test
  void aChildStartedTheWayKittyStartsProcessesInheritsNoListeningSocket() throws Exception {
    try (ServerSocket held = new ServerSocket()) {
      held.bind(new InetSocketAddress("127.0.0.1", TrackedProcesses.freePort(3000, 3100)));
      Process child = procs.start("sleep", "30");
      JsonNode scan = KittyRun.run(KittyRun.env(home), "--json", "scan", "devstack").json();
      JsonNode c = scan.get("families").get(0).get("candidates").get(0);
      assertEquals(held.getLocalPort(), c.get("port").asInt());
      assertEquals(
          List.of(ProcessHandle.current().pid()), List.of(c.get("holder_pids").get(0).asLong()));
      assertEquals(
          1,
          c.get("holder_pids").size(),
          "the child " + child.pid() + " holds no copy of the socket");
    }
  }
}
