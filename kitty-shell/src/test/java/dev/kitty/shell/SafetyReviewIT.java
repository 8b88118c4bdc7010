package dev.kitty.shell;

import static dev.kitty.shell.SyncDaemons.alive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kitty.testkit.TrackedProcesses;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The safety review's reproductions (docs/reliability.md, "Safety review"), each on real processes
 * and real sockets: every one of these failed on the code before the fix. Processes are ended by
 * their pid only: the test's own, or kitty's daemons through kitty.
 */
class SafetyReviewIT {

  @RegisterExtension final TrackedProcesses procs = new TrackedProcesses();

  @TempDir Path home;

  private KittyRun.Result run(String... args) {
    return SyncDaemons.kitty(procs, home, Map.of(), args);
  }

  private KittyRun.Result run(Map<String, String> env, String... args) {
    return SyncDaemons.kitty(procs, home, env, args);
  }

  private JsonNode runJson(int code, String... args) {
    List<String> all = new ArrayList<>(List.of("--json"));
    all.addAll(List.of(args));
    KittyRun.Result r = run(all.toArray(String[]::new));
    assertEquals(code, r.code(), String.join(" ", args) + "\n" + r.out() + r.err());
    return r.json();
  }

  /** Sends a signal to a process this test made (directly or through kitty), by its pid. */
  private void signal(String sig, long pid) throws Exception {
    assertEquals(0, procs.start("kill", "-" + sig, Long.toString(pid)).waitFor());
  }

  private static JsonNode candidate(JsonNode scan, int port) {
    for (JsonNode f : scan.get("families")) {
      for (JsonNode c : f.get("candidates")) {
        if (c.get("port").asInt() == port) {
          return c;
        }
      }
    }
    throw new AssertionError("no candidate on port " + port + ": " + scan);
  }

  private static boolean names(JsonNode entries, long pid) {
    for (JsonNode e : entries) {
      if (e.get("pid").asLong() == pid) {
        return true;
      }
    }
    return false;
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  /**
   * Finding 1: idle half-sent requests do not stall a dashboard, and a stalled one is not swept.
   */
  @Test
  void aLiveDashboardThatIsStalledIsNeverSweptAndIdleClientsCannotStallIt() throws Exception {
    Path project = Files.createDirectories(home.resolve("a")).toRealPath();
    JsonNode d = runJson(0, "dashboard", "--project", project.toString());
    long pid = d.get("pid").asLong();
    int port = d.get("port").asInt();

    // 50 clients that send half a request and wait: the old daemon's two threads were taken by
    // the first two, and its health answer timed out.
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 50; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        OutputStream out = s.getOutputStream();
        out.write("GET /api/health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        idle.add(s);
      }
      JsonNode c = candidate(runJson(0, "scan", "dashboard"), port);
      assertTrue(c.get("recorded").asBoolean(), c.toString());
      assertEquals("the live dashboard on record for " + project, c.get("skip_reason").asString());
    } finally {
      for (Socket s : idle) {
        s.close();
      }
    }

    // Frozen: it answers nothing at all. Silence is not staleness.
    signal("STOP", pid);
    try {
      JsonNode c = candidate(runJson(0, "scan", "dashboard"), port);
      assertTrue(c.get("recorded").asBoolean(), c.toString());
      assertNotEquals("safe_auto", c.get("cleanup_class").asString(), c.toString());
      assertTrue(c.get("skip_reason").asString().contains("did not answer health"), c.toString());
      JsonNode cleanup = runJson(0, "cleanup", "dashboard");
      assertFalse(names(cleanup.get("swept"), pid), cleanup.toString());
      assertTrue(names(cleanup.get("skipped"), pid), cleanup.toString());
      assertTrue(alive(pid), "the live dashboard survived the cleanup");
      assertTrue(Files.exists(project.resolve(".kittify/.dashboard")), "its record too");
    } finally {
      signal("CONT", pid);
    }
    assertEquals(0, run("dashboard", "--project", project.toString(), "--stop").code());
  }

  /**
   * Finding 2, in a private pid namespace: the launch's session is gone, the kernel gives its
   * number to a stranger that calls setsid, and {@code stop} must not take the stranger for the
   * launch.
   */
  @Test
  void aStrangerOnTheRecycledSessionIdOfACrashedLaunchIsNeverStopped() throws Exception {
    assumeTrue(root(), "a pid namespace needs root");
    assumeTrue(
        procs.start("unshare", "-pf", "--mount-proc", "true").waitFor() == 0,
        "unshare -pf --mount-proc is not available");
    String kitty =
        String.join(
            " ",
            SyncDaemons.kittyCommand().stream()
                .map(w -> "'" + w.replace("'", "'\\''") + "'")
                .toList());
    Path script =
        Files.writeString(
            home.resolve("reuse.sh"),
            """
            set -u
            K() { %s "$@"; }
            K start webui --name ui -- python3 %s {port} --workers 1 >/dev/null || exit 11
            SID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sid"])' \
              "$KITTY_STATE_DIR/records/launch.webui.ui.json")
            # The launch crashes: its whole session is killed (the test's own processes, in its
            # own pid namespace).
            kill -9 -- -"$SID"
            for i in $(seq 100); do [ -e /proc/"$SID" ] || break; sleep 0.05; done
            echo $((SID - 1)) > /proc/sys/kernel/ns_last_pid
            setsid sleep 1000 &
            STRANGER=$!
            echo "sid=$SID stranger=$STRANGER"
            [ "$STRANGER" = "$SID" ] || exit 12
            K --json stop webui ui > "$1/stop.json"
            echo "stop=$?"
            if kill -0 "$STRANGER" 2>/dev/null; then echo alive; fi
            kill -9 "$STRANGER"
            """
                .formatted(kitty, WebuiFamilyIT.FIXTURE));
    ProcessBuilder pb =
        new ProcessBuilder(
                "unshare", "-pf", "--mount-proc", "bash", script.toString(), home.toString())
            .redirectErrorStream(true);
    pb.environment().putAll(KittyRun.env(home));
    Process p = procs.start(pb);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), out);
    assertTrue(out.contains("stranger="), out);
    assertTrue(out.contains("alive"), "the stranger was signalled:\n" + out);
    JsonNode stop = KittyRun.JSON.readTree(Files.readString(home.resolve("stop.json")));
    JsonSchemas.check("stop", stop);
    assertEquals(0, stop.get("swept").size(), stop.toString());
  }

  /** Finding 3: a launch that also listens in the sync range is refused by {@code stop}. */
  @Test
  void stopRefusesALaunchThatAlsoHoldsAPortOfAnotherFamily() throws Exception {
    int syncPort = TrackedProcesses.freePort(9400, 9450);
    String dual =
        "import socket,sys,time\n"
            + "s=[socket.create_server(('127.0.0.1',int(p))) for p in sys.argv[1:3]]\n"
            + "time.sleep(600)\n";
    JsonNode started =
        runJson(
            0,
            "start",
            "webui",
            "--name",
            "dual",
            "--",
            "python3",
            "-c",
            dual,
            "{port}",
            Integer.toString(syncPort));
    long pid = started.get("pid").asLong();
    JsonNode scan = runJson(0, "scan", "webui");
    assertTrue(scan.toString().contains("in family sync's range"), scan.toString());

    KittyRun.Result stop = run("--json", "stop", "webui", "dual");
    assertTrue(alive(pid), "stop signalled a holder of a sync port: " + stop.out() + stop.err());
    assertNotEquals(0, stop.code(), stop.out());
    assertTrue(stop.out().contains("sync's range"), stop.out());
    assertFalse(names(stop.json().get("swept"), pid), stop.out());
  }

  /**
   * Finding 4: a stalled singleton is reused, never replaced; a retiring one hands back its job.
   */
  @Test
  void aStalledSyncSingletonIsReusedAndARetiringOneHandsBackItsJob() throws Exception {
    JsonNode first = runJson(0, "sync", "ensure");
    long pid = first.get("pid").asLong();
    int port = first.get("port").asInt();
    signal("STOP", pid);
    JsonNode again;
    try {
      again = runJson(0, "sync", "ensure");
    } finally {
      signal("CONT", pid);
    }
    assertEquals(pid, again.get("pid").asLong(), "a second singleton was started: " + again);
    assertTrue(again.get("reused").asBoolean(), again.toString());
    assertTrue(again.get("notes").toString().contains("did not answer health"), again.toString());

    SyncDaemons.awaitHealthy(port);
    String queue = SyncDaemons.health(port).get("queue_db_path").asString();
    assertEquals(202, SyncDaemons.submitJob(port, 60_000));
    signal("TERM", pid);
    SyncDaemons.awaitGone(pid, Duration.ofSeconds(10));
    List<String> lines = Files.readAllLines(Path.of(queue));
    assertTrue(
        lines.getLast().contains("\"state\":\"handed_back\""),
        "the job in flight is handed back, not left running: " + lines);
  }

  /** Finding 5: a state dir others can write, or with linked records, is refused before use. */
  @Test
  void aStateDirOthersCanWriteOrWithLinkedRecordsIsRefused() throws Exception {
    Path state = Files.createDirectories(home.resolve("state"));
    Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));
    for (String[] cmd :
        List.of(
            new String[] {"--json", "scan"},
            new String[] {"--json", "stop", "webui", "ui"},
            new String[] {"--json", "doctor"})) {
      KittyRun.Result r = run(cmd);
      assertEquals(2, r.code(), r.out() + r.err());
      JsonNode e = r.json().get("error");
      assertEquals("bad_input", e.get("kind").asString());
      assertTrue(e.get("message").asString().contains(state + " is writable by group"), r.out());
      assertTrue(r.err().contains("chmod go-w " + state), r.err());
    }
    Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
    Path elsewhere = Files.createDirectories(home.resolve("elsewhere"));
    Files.createSymbolicLink(state.resolve("records"), elsewhere);
    KittyRun.Result linked = run("status");
    assertEquals(2, linked.code(), linked.out() + linked.err());
    assertTrue(linked.err().contains("records is a symbolic link"), linked.err());
  }

  /** Evidence files that are FIFOs or links to endless devices are refused, not read. */
  @Test
  void aMetadataFileThatIsAFifoOrALinkToDevZeroNeitherHangsNorExhaustsMemory() throws Exception {
    for (String kind : List.of("fifo", "zero")) {
      Path project = Files.createDirectories(home.resolve(kind).resolve(".kittify")).getParent();
      Path meta = project.resolve(".kittify/.dashboard");
      if (kind.equals("fifo")) {
        assertEquals(0, procs.start("mkfifo", meta.toString()).waitFor());
      } else {
        Files.createSymbolicLink(meta, Path.of("/dev/zero"));
      }
      Process k =
          SyncDaemons.startKitty(
              procs, home, Map.of(), "--json", "dashboard", "--project", project.toString());
      KittyRun.Result r =
          SyncDaemons.finish(
              k, Duration.ofSeconds(40), "--json", "dashboard", "--project", project.toString());
      assertEquals(0, r.code(), kind + ": " + r.out() + r.err());
      JsonNode d = r.json();
      assertTrue(d.get("notes").toString().contains(meta.toString()), d.toString());
      assertEquals(0, run("dashboard", "--project", project.toString(), "--stop").code());
    }
  }

  /**
   * A full state disk after the spawn: the daemon is stopped, the reason shown as a JSON error, no
   * temporary file stays. The records folder is a one-page-free tmpfs: the intent record fits, the
   * final record (a second file beside it until the rename) does not.
   */
  @Test
  void aLaunchThatCannotBeRecordedIsStoppedAndSaysWhy() throws Exception {
    assumeTrue(root(), "mounting a small tmpfs needs root");
    Path records = Files.createDirectories(home.resolve("state/records"));
    Files.setPosixFilePermissions(
        home.resolve("state"), PosixFilePermissions.fromString("rwx------"));
    int mounted =
        procs
            .start("mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", records.toString())
            .waitFor();
    assumeTrue(mounted == 0, "cannot mount a tmpfs here");
    try {
      Files.write(records.resolve("filler"), new byte[64 * 1024 - 4096]);
      KittyRun.Result r =
          run(
              "--json",
              "start",
              "webui",
              "--name",
              "full",
              "--",
              "python3",
              WebuiFamilyIT.FIXTURE.toString(),
              "{port}",
              "--workers",
              "1");
      assertEquals(1, r.code(), r.out() + r.err());
      JsonNode e = r.json().get("error");
      assertEquals("failed", e.get("kind").asString(), r.out());
      assertTrue(e.get("message").asString().contains("could not be recorded"), r.out());
      assertFalse(r.out().contains("\tat "), "no stack trace: " + r.out());
      assertEquals(
          java.util.Set.of(),
          WebuiFamilyIT.carriers("KITTY_STATE_DIR=" + home.resolve("state"), "KITTY_FAMILY=webui"),
          "the daemon that could not be recorded was stopped");
      try (var files = Files.list(records)) {
        assertTrue(
            files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")),
            "no temporary file stays");
      }
    } finally {
      procs.start("umount", records.toString()).waitFor();
    }
  }

  /** A read-only state dir is the user's input to fix (exit 2), not an internal error. */
  @Test
  void aReadOnlyStateDirIsAnInputError() throws Exception {
    assumeTrue(root(), "mounting a read-only tmpfs needs root");
    Path state = Files.createDirectories(home.resolve("ro-state"));
    int mounted =
        procs
            .start("mount", "-t", "tmpfs", "-o", "ro,size=64k,mode=0700", "tmpfs", state.toString())
            .waitFor();
    assumeTrue(mounted == 0, "cannot mount a tmpfs here");
    try {
      KittyRun.Result r =
          run(
              Map.of("KITTY_STATE_DIR", state.toString()),
              "--json",
              "start",
              "webui",
              "--name",
              "ro",
              "--",
              "python3",
              WebuiFamilyIT.FIXTURE.toString(),
              "{port}");
      assertEquals(2, r.code(), r.out() + r.err());
      assertEquals("bad_input", r.json().get("error").get("kind").asString(), r.out());
      assertTrue(r.err().contains("read-only file system"), r.err());
      assertFalse(r.err().contains("internal error"), r.err());
    } finally {
      procs.start("umount", state.toString()).waitFor();
    }
  }

  /**
   * Without containment (the session+cookie fallback, ADR 29), {@code down} proves a service gone
   * by its port and recorded processes: a descendant that dropped every cookie and left the session
   * makes it fail, named. (With a cgroup per launch it is stopped: {@code ContainmentIT}.)
   */
  @Test
  void downOfAServiceWhoseDescendantEscapedFailsNamingIt() throws Exception {
    int port = TrackedProcesses.freePort(3000, 3100);
    Path dir = Files.createDirectories(home.resolve("escape"));
    String marker = dir.resolve("escaped").toString();
    // The escapee keeps only the test's own cookie (the harness must find it), nothing of kitty's.
    // A subshell that exits at once: the server is re-parented to init, in a session of its own.
    String command =
        "(env -i KITTY_TEST="
            + TrackedProcesses.RUN_ID
            + " setsid /usr/bin/python3 -m http.server $PORT --bind 127.0.0.1 --directory "
            + marker
            + " >/dev/null 2>&1 < /dev/null &); sleep 600";
    Files.createDirectories(Path.of(marker));
    Path file =
        Files.writeString(
            dir.resolve("kitty-stack.json"),
            """
            {"services": {"svc": {"command": "%s", "port": %d}}}
            """
                .formatted(command.replace("\"", "\\\""), port));
    Map<String, String> off = Map.of("KITTY_CONTAINMENT", "off");
    assertEquals(0, run(off, "--json", "up", file.toString()).code());
    TrackedProcesses.await("the escapee to listen", Duration.ofSeconds(15), () -> listening(port));
    KittyRun.Result down = run(off, "--json", "down", file.toString());
    JsonNode report = down.json();
    long escapee = -1;
    for (JsonNode s : report.get("survivors")) {
      if (s.get("args").toString().contains(marker)) {
        escapee = s.get("pid").asLong();
      }
    }
    try {
      System.out.println("down of the escaped service: " + down.out());
      assertEquals(1, down.code(), down.out());
      assertTrue(escapee > 0, "the escapee is named among the survivors: " + down.out());
      assertEquals("failed", report.get("services").get(0).get("state").asString(), down.out());
      assertTrue(
          report.get("services").get(0).get("error").asString().contains("holds port " + port),
          down.out());
    } finally {
      // Ours: it runs our marker folder, and it is the one that holds our port.
      if (escapee > 0
          && Files.readString(Path.of("/proc/" + escapee + "/cmdline")).contains(marker)) {
        signal("KILL", escapee);
      }
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** A process that carries the cookie of a launch kitty had stopped before it started. */
  @Test
  void aProcessStartedWithTheCookieOfAStoppedLaunchIsForTheOperator() throws Exception {
    JsonNode started =
        runJson(
            0,
            "start",
            "webui",
            "--name",
            "old",
            "--",
            "python3",
            WebuiFamilyIT.FIXTURE.toString(),
            "{port}",
            "--workers",
            "0");
    String launchId = started.get("launch_id").asString();
    runJson(0, "stop", "webui", "old");
    Thread.sleep(3_000); // past the one-second resolution of start times, and its slack
    int port = TrackedProcesses.freePort(7860, 7900);
    ProcessBuilder pb =
        new ProcessBuilder(
                "python3", "-m", "http.server", Integer.toString(port), "--bind", "127.0.0.1")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("KITTY_LAUNCH_ID", launchId);
    pb.environment().put("KITTY_FAMILY", "webui");
    Process third = procs.start(pb);
    TrackedProcesses.await("the third party", Duration.ofSeconds(10), () -> listening(port));
    JsonNode c = candidate(runJson(0, "scan", "webui"), port);
    assertEquals("operator_required", c.get("cleanup_class").asString(), c.toString());
    assertTrue(
        c.get("skip_reason").asString().contains("started after kitty stopped it"), c.toString());
    JsonNode cleanup = runJson(0, "cleanup", "webui");
    assertFalse(names(cleanup.get("swept"), third.pid()), cleanup.toString());
    assertTrue(third.isAlive());
  }

  /** A daemon kitty starts from inside a stack service does not inherit the stack's cookies. */
  @Test
  void kittysOwnDaemonsStartWithKittysCookiesCleared() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("KITTY_STACK", "some-stack");
    env.put("KITTY_SERVICE", "web");
    env.put("KITTY_LAUNCH_ID", "the-service-launch");
    KittyRun.Result r = run(env, "--json", "sync", "ensure");
    assertEquals(0, r.code(), r.out() + r.err());
    long pid = r.json().get("pid").asLong();
    String environ = Files.readString(Path.of("/proc/" + pid + "/environ"));
    List<String> vars = List.of(environ.split("\0"));
    assertFalse(vars.contains("KITTY_STACK=some-stack"), vars.toString());
    assertFalse(vars.contains("KITTY_SERVICE=web"), vars.toString());
    assertFalse(vars.contains("KITTY_LAUNCH_ID=the-service-launch"), vars.toString());
    assertTrue(
        vars.contains("KITTY_LAUNCH_ID=" + r.json().get("launch_id").asString()), vars.toString());
  }

  /** With {@code --json}, an error is one JSON document on stdout, never a trace. */
  @Test
  void everyErrorWithJsonIsAJsonDocument() {
    KittyRun.Result unknown = run("--json", "scan", "no-such-family");
    assertEquals(2, unknown.code());
    assertEquals("usage", unknown.json().get("error").get("kind").asString(), unknown.out());
    KittyRun.Result option = run("--json", "scan", "--no-such-option");
    assertEquals(2, option.code());
    assertEquals("usage", option.json().get("error").get("kind").asString(), option.out());
  }
}
