package dev.kitty.shell;

import static dev.kitty.shell.SyncDaemons.alive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kitty.testkit.TrackedProcesses;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Seeds 003 (a dev stack that leaves 74 processes behind) and 004 (ghost sockets) on real Node
 * services started by real kitty processes: workers from {@code child_process.fork}, a {@code sh
 * -c} chain three levels deep, a detached grandchild that calls {@code setsid}, a child that
 * inherits the listening socket. What is alive is read from {@code /proc} by the stack's cookie,
 * and ports are probed, never through kitty's own view.
 */
class DevstackFamilyIT {

  static final Path SERVER =
      Path.of("src/test/resources/fixtures/stack/server.js").toAbsolutePath();

  @RegisterExtension final TrackedProcesses procs = new TrackedProcesses();

  @TempDir Path home;

  private Path project;

  @BeforeEach
  void needsNode() throws IOException {
    assumeTrue(TrackedProcesses.onPath("node"), "node is not installed: the stack tests need it");
    project = Files.createDirectories(home.resolve("project"));
    Files.copy(SERVER, project.resolve("server.js"));
  }

  /** kitty's environment for the test's commands. */
  private Map<String, String> env = Map.of();

  private KittyRun.Result run(String... args) {
    return SyncDaemons.kitty(procs, home, env, args);
  }

  private JsonNode runJson(int expected, String... args) {
    List<String> all = new ArrayList<>(List.of("--json"));
    all.addAll(List.of(args));
    KittyRun.Result r = run(all.toArray(String[]::new));
    assertEquals(expected, r.code(), String.join(" ", args) + "\n" + r.out() + r.err());
    return r.json(); // held to its published schema (docs/schemas)
  }

  /** {@code n} distinct free ports in the devstack range. */
  private static int[] ports(int n) {
    int[] out = new int[n];
    int from = 3000;
    for (int i = 0; i < n; i++) {
      out[i] = TrackedProcesses.freePort(from, 3100);
      from = out[i] + 1;
    }
    return out;
  }

  /** The three services of the issue: workers, a deep sh -c chain, a detached setsid grandchild. */
  private Path threeServiceStack(int api, int web) throws IOException {
    return write(
        "kitty-stack.json",
        """
        {"services": {
          "api":  {"command": "node server.js --workers 2", "port": %d, "health": "/health"},
          "web":  {"command": "sh -c 'sh -c \\"node server.js\\"'", "port": %d,
                   "depends_on": ["api"], "stop_grace": 2},
          "jobs": {"command": "node server.js --no-listen --detached", "depends_on": ["api"]}
        }}
        """
            .formatted(api, web));
  }

  private Path write(String name, String text) throws IOException {
    Path f = project.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  /** Every live process carrying {@code KITTY_STACK=stack}, from /proc. */
  private static Set<Long> stackProcesses(String stack) {
    Set<Long> out = new HashSet<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : ds) {
        try {
          String env = new String(Files.readAllBytes(p.resolve("environ")), StandardCharsets.UTF_8);
          long pid = Long.parseLong(p.getFileName().toString());
          if (List.of(env.split("\0")).contains("KITTY_STACK=" + stack) && alive(pid)) {
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

  /** The first process (the session leader) of {@code service} in {@code stack}. */
  private static long firstOf(String stack, String service) {
    for (long pid : stackProcesses(stack)) {
      if (sid(pid) == pid && cookie(pid, "KITTY_SERVICE").equals(service)) {
        return pid;
      }
    }
    throw new AssertionError("no session leader of " + service);
  }

  private static String cookie(long pid, String name) {
    try {
      String env =
          new String(
              Files.readAllBytes(Path.of("/proc/" + pid + "/environ")), StandardCharsets.UTF_8);
      for (String kv : env.split("\0")) {
        if (kv.startsWith(name + "=")) {
          return kv.substring(name.length() + 1);
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return "";
  }

  /** The session id of {@code pid}, or -1 when it is gone. */
  private static long sid(long pid) {
    return statField(pid, 3);
  }

  /** The parent of {@code pid}, or -1 when it is gone. */
  private static long ppid(long pid) {
    return statField(pid, 1);
  }

  /** Field {@code index} after the state letter of /proc/PID/stat (1: ppid, 3: sid). */
  private static long statField(long pid, int index) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[index]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Map<String, JsonNode> byName(JsonNode report) {
    Map<String, JsonNode> out = new HashMap<>();
    report.get("services").forEach(s -> out.put(s.get("name").asString(), s));
    return out;
  }

  @Test
  void downLeavesZeroProcessesOfAThreeServiceNodeStackAndFreesEveryPort() throws Exception {
    int[] p = ports(2);
    Path file = threeServiceStack(p[0], p[1]);
    JsonNode up = runJson(0, "up", file.toString());
    String stack = up.get("stack").asString();
    Map<String, JsonNode> services = byName(up);
    assertEquals(
        List.of("api", "web", "jobs"),
        up.get("services").valueStream().map(s -> s.get("name").asString()).toList(),
        "dependencies first");
    services.values().forEach(s -> assertEquals("started", s.get("state").asString()));
    assertTrue(listening(p[0]) && listening(p[1]));

    Set<Long> before = stackProcesses(stack);
    // api: sh + node + 2 workers; web: 3 sh + node; jobs: sh + node + detached grandchild.
    assertEquals(11, before.size(), "the whole stack carries its cookie: " + before);
    Set<Long> ownSession = new HashSet<>();
    before.stream().filter(pid -> sid(pid) == pid).forEach(ownSession::add);
    // Three service roots lead their sessions, and so does the grandchild that called setsid.
    assertEquals(4, ownSession.size(), "sessions: " + ownSession);

    // Seed 004's prevention: a service's first process holds stdio and nothing else kitty had open.
    long apiRoot = firstOf(stack, "api");
    try (var fds = Files.list(Path.of("/proc/" + apiRoot + "/fd"))) {
      assertEquals(
          List.of("0", "1", "2"),
          fds.map(f -> f.getFileName().toString()).sorted().toList(),
          "descriptors of " + cmdline(apiRoot));
    }

    JsonNode ps = runJson(0, "ps", file.toString());
    assertEquals(11, ps.get("totals").get("processes").asInt());
    assertTrue(ps.get("totals").get("rss_bytes").asLong() > 0);
    byName(ps)
        .values()
        .forEach(s -> assertEquals("running", s.get("state").asString(), s.toString()));

    // up twice: everything reused, not one process more.
    JsonNode again = runJson(0, "up", file.toString());
    byName(again).values().forEach(s -> assertEquals("reused", s.get("state").asString()));
    assertEquals(before, stackProcesses(stack));

    KittyRun.Result logs = run("logs", "api", "--file", file.toString());
    assertEquals(0, logs.code(), logs.err());
    assertTrue(logs.out().contains("listening on " + p[0]), logs.out());

    JsonNode down = runJson(0, "down", file.toString());
    assertEquals(0, down.get("survivors").size(), down.toString());
    byName(down)
        .values()
        .forEach(s -> assertEquals("stopped", s.get("state").asString(), down.toString()));
    assertEquals(Set.of(), stackProcesses(stack), "measured by cookie");
    assertFalse(listening(p[0]) || listening(p[1]), "measured by port");

    // The stack file is gone; down still works from the record, and there is nothing to do.
    Files.delete(file);
    JsonNode twice = runJson(0, "down", file.toString());
    byName(twice).values().forEach(s -> assertEquals("not running", s.get("state").asString()));
  }

  @Test
  void upWithOneFailingHealthCheckLeavesNothingRunning() throws Exception {
    int[] p = ports(2);
    Path file =
        write(
            "kitty-stack.json",
            """
            {"services": {
              "api": {"command": "node server.js --workers 1", "port": %d},
              "web": {"command": "node server.js --fail-health", "port": %d, "health": "/health",
                      "depends_on": ["api"], "start_timeout": 3}
            }}
            """
                .formatted(p[0], p[1]));
    KittyRun.Result r = run("up", file.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("service web"), r.err());
    assertTrue(r.err().contains("HTTP 503"), r.err());
    assertTrue(r.err().contains("api (stopped)"), "what up started is rolled back: " + r.err());
    String stack = stackId(file);
    assertEquals(Set.of(), stackProcesses(stack));
    assertFalse(listening(p[0]) || listening(p[1]));
  }

  @Test
  void aGhostSocketIsReportedAndDownClearsIt() throws Exception {
    int[] p = ports(1);
    Path file =
        write(
            "kitty-stack.json",
            """
            {"services": {"ghost": {"command": "exec node server.js --ghost", "port": %d}}}
            """
                .formatted(p[0]));
    JsonNode up = runJson(0, "up", file.toString());
    String stack = up.get("stack").asString();
    long server = byName(up).get("ghost").get("pid").asLong();
    TrackedProcesses.await(
        "the socket's inheritor", Duration.ofSeconds(10), () -> stackProcesses(stack).size() == 2);
    // The server dies; its child keeps the listening socket open (seed 004).
    ProcessHandle.of(server).orElseThrow().destroyForcibly();
    TrackedProcesses.await("the server to die", Duration.ofSeconds(5), () -> !alive(server));
    assertTrue(listening(p[0]), "the inheritor keeps the port listening");

    JsonNode ghosts = runJson(0, "ghosts", "devstack");
    assertEquals(
        1,
        ghosts.get("ghosts").size(),
        ghosts + "\n" + runJson(3, "doctor", "devstack") + "\n" + runJson(0, "scan", "devstack"));
    JsonNode g = ghosts.get("ghosts").get(0);
    assertEquals(p[0], g.get("port").asInt());
    assertEquals(server, g.get("owner_pid").asLong());
    Set<Long> holders = new HashSet<>();
    g.get("holder_pids").forEach(h -> holders.add(h.asLong()));
    assertEquals(stackProcesses(stack), holders);

    JsonNode down = runJson(0, "down", file.toString());
    assertEquals(0, down.get("survivors").size());
    assertEquals(Set.of(), stackProcesses(stack));
    assertFalse(listening(p[0]));
  }

  @Test
  void foregroundPrefixesOutputAdoptsOrphansAndTearsDownOnSigterm() throws Exception {
    int[] p = ports(1);
    Path file =
        write(
            "kitty-stack.json",
            """
            {"services": {
              "api":  {"command": "node server.js", "port": %d},
              "jobs": {"command": "exec node server.js --no-listen --detached"}
            }}
            """
                .formatted(p[0]));
    Process kitty =
        SyncDaemons.startKitty(procs, home, Map.of(), "up", "--foreground", file.toString());
    // Read through copies (new ArrayList<>(lines)): the reader thread appends while the test looks.
    List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> reader =
        CompletableFuture.runAsync(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(kitty.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            java.util.concurrent.Executors.newSingleThreadExecutor());
    TrackedProcesses.await(
        "api's output, prefixed: " + lines,
        Duration.ofSeconds(30),
        () ->
            new ArrayList<>(lines)
                .stream().anyMatch(l -> l.matches("api +\\| listening on " + p[0] + " .*")));
    String stack = stackId(file);
    TrackedProcesses.await(
        "api's shell and node, jobs, its grandchild",
        Duration.ofSeconds(10),
        () -> stackProcesses(stack).size() == 4);
    // jobs' node (exec'd by the shell, so kitty's child) dies: its setsid grandchild re-parents to
    // kitty, the subreaper, not to init.
    long jobs = -1;
    long grandchild = -1;
    for (long pid : stackProcesses(stack)) {
      if (ppid(pid) == kitty.pid() && cmdline(pid).contains("--no-listen")) {
        jobs = pid;
      }
    }
    for (long pid : stackProcesses(stack)) {
      if (ppid(pid) == jobs) {
        grandchild = pid;
      }
    }
    assertNotEquals(-1, grandchild, "the detached grandchild of jobs");
    ProcessHandle.of(jobs).orElseThrow().destroyForcibly();
    long orphan = grandchild;
    TrackedProcesses.await(
        "the orphan to re-parent", Duration.ofSeconds(5), () -> ppid(orphan) == kitty.pid());

    kitty.toHandle().destroy(); // SIGTERM, as a closing terminal or a supervisor sends it
    assertTrue(kitty.waitFor(30, TimeUnit.SECONDS), "kitty ends after bringing the stack down");
    reader.get(5, TimeUnit.SECONDS);
    assertTrue(
        new ArrayList<>(lines)
            .stream().anyMatch(l -> l.contains("down: nothing of the stack is left")),
        String.join("\n", lines));
    assertEquals(Set.of(), stackProcesses(stack));
    assertFalse(listening(p[0]));
  }

  private static String cmdline(long pid) {
    try {
      return Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** The stack id kitty derives from a stack file: 10 hex digits of SHA-256 of its path. */
  private static String stackId(Path file) throws Exception {
    byte[] d =
        java.security.MessageDigest.getInstance("SHA-256")
            .digest(file.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
    return java.util.HexFormat.of().formatHex(d).substring(0, 10);
  }

  @Test
  void watchEnforcesAServicesOwnLimitAndLeavesTheRestOfTheStackRunning() throws Exception {
    // The watchdog's own enforcement, as on a machine without cgroups: where the kernel enforces
    // max_processes (pids.max, ADR 30; ContainmentIT), greedy's node and its workers, seven threads
    // each, would not even start under a limit of 3.
    env = Map.of("KITTY_CONTAINMENT", "off");
    int[] p = ports(2);
    Path file =
        write(
            "kitty-stack.json",
            """
            {"limits": {"max_processes": 40},
             "services": {
              "calm":   {"command": "exec node server.js", "port": %d},
              "greedy": {"command": "exec node server.js --workers 4", "port": %d,
                         "max_processes": 3}
            }}
            """
                .formatted(p[0], p[1]));
    JsonNode up = runJson(0, "up", file.toString());
    String stack = up.get("stack").asString();
    TrackedProcesses.await(
        "calm + greedy and its 4 workers",
        Duration.ofSeconds(10),
        () -> stackProcesses(stack).size() == 6);

    JsonNode warn = runJson(3, "watch", "devstack", "--once");
    JsonNode finding = warn.get("runaway").get(0);
    assertEquals(
        "stack " + stack + " service greedy: 5 processes > 3",
        finding.get("fired").get(0).asString());
    assertTrue(Files.exists(Path.of(finding.get("bundle").asString())), "a diagnostic bundle");
    assertEquals(6, stackProcesses(stack).size(), "without --enforce nothing is stopped");

    JsonNode enforced = runJson(3, "watch", "devstack", "--once", "--enforce");
    assertEquals(1, enforced.get("runaway").get(0).get("cleaned").get("swept").size());
    Map<String, JsonNode> ps = byName(runJson(0, "ps", file.toString()));
    assertEquals("running", ps.get("calm").get("state").asString());
    assertEquals("stopped", ps.get("greedy").get("state").asString());
    assertEquals(1, stackProcesses(stack).size(), "only calm is left");
    assertTrue(listening(p[0]) && !listening(p[1]));

    assertEquals(0, runJson(0, "watch", "devstack", "--once").get("runaway").size());
    runJson(0, "down", file.toString());
    assertEquals(Set.of(), stackProcesses(stack));
  }

  /**
   * The real toolchain of seed 003: {@code npm run dev} (npm, sh, Vite and its esbuild service) and
   * {@code vitest watch} with worker threads, installed from the npm registry by {@code
   * scripts/npm-stack.sh} (which {@code .ci/run} calls).
   */
  @Test
  void aRealViteDevServerAndVitestWatchRunGoDownToZero() throws Exception {
    Path npm =
        Path.of(
            System.getenv()
                .getOrDefault(
                    "KITTY_NPM_STACK",
                    Path.of(System.getProperty("user.home"), ".cache/kitty/npm-stack").toString()));
    assumeTrue(
        Files.isExecutable(npm.resolve("node_modules/.bin/vite"))
            && Files.isExecutable(npm.resolve("node_modules/.bin/vitest")),
        "Vite and Vitest are not installed in "
            + npm
            + ": scripts/npm-stack.sh installs them when the npm registry can be reached");
    int[] p = ports(1);
    Path file =
        write(
            "kitty-stack.json",
            """
            {"services": {
              "vite":   {"command": "npm run dev -- --port %d", "cwd": "%s", "port": %d,
                         "start_timeout": 60},
              "vitest": {"command": "npm run test:watch", "cwd": "%s", "env": {"CI": ""},
                         "start_timeout": 60}
            }}
            """
                .formatted(p[0], npm, p[0], npm));
    JsonNode up = runJson(0, "up", file.toString());
    String stack = up.get("stack").asString();
    String page = httpGet(p[0], "/");
    assertTrue(page.startsWith("HTTP/1.1 200"), page);
    assertTrue(page.contains("kitty's Vite fixture"), page);
    TrackedProcesses.await(
        "vitest's first run",
        Duration.ofSeconds(60),
        () -> logOf(file, "vitest").contains("1 passed"));
    Set<Long> before = stackProcesses(stack);
    assertTrue(before.size() >= 6, "npm, sh and node for each, and esbuild: " + before);

    JsonNode down = runJson(0, "down", file.toString());
    assertEquals(0, down.get("survivors").size(), down.toString());
    assertEquals(Set.of(), stackProcesses(stack), "measured by cookie");
    assertFalse(listening(p[0]), "measured by port");
  }

  /** A plain HTTP/1.0 GET on loopback: the whole answer, status line first. */
  private static String httpGet(int port, String path) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(10_000);
      s.getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private String logOf(Path file, String service) {
    KittyRun.Result r = run("logs", service, "--file", file.toString());
    return r.out();
  }

  @Test
  void aServiceThatIgnoresTermIsKilledAfterItsGraceAndForceSkipsTheGrace() throws Exception {
    int[] p = ports(1);
    Path file =
        write(
            "kitty-stack.json",
            """
            {"services": {"stubborn": {"command": "exec node server.js --ignore-term --workers 2",
                                       "port": %d, "stop_grace": 1}}}
            """
                .formatted(p[0]));
    String stack = runJson(0, "up", file.toString()).get("stack").asString();
    long t0 = System.nanoTime();
    JsonNode down = runJson(0, "down", file.toString());
    long graced = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(Set.of(), stackProcesses(stack));
    assertFalse(listening(p[0]));
    assertTrue(graced >= 1000, "the grace was given: " + graced + " ms");
    assertTrue(logOf(file, "stubborn").contains("ignoring SIGTERM"), "it did get TERM first");
    assertEquals(0, down.get("survivors").size());

    runJson(0, "up", file.toString());
    JsonNode forced = runJson(0, "down", "--force", file.toString());
    assertEquals("stopped", byName(forced).get("stubborn").get("state").asString());
    assertEquals(Set.of(), stackProcesses(stack));
    assertFalse(logOf(file, "stubborn").contains("ignoring SIGTERM"), "--force sends no TERM");
  }

  @Test
  void leftoversOfAStoppedStackAreSafeToCleanAndANodeWithoutTheCookieIsOnlyListed()
      throws Exception {
    int[] p = ports(2);
    Path file =
        write(
            "kitty-stack.json",
            """
            {"services": {"api": {"command": "exec node server.js --workers 1", "port": %d}}}
            """
                .formatted(p[0]));
    String stack = runJson(0, "up", file.toString()).get("stack").asString();
    // A stop that could not finish (its kitty was killed after recording it): the record says
    // stopped while the service still runs. Simulated by editing the record, as such a crash
    // leaves it.
    Path record = home.resolve("state/records/launch.devstack." + stack + ".api.json");
    Files.writeString(
        record,
        Files.readString(record).replace("\"status\":\"running\"", "\"status\":\"stopped\""));
    // A node server a developer started by hand in the same range: no kitty cookie.
    ProcessBuilder pb = new ProcessBuilder("node", "server.js").directory(project.toFile());
    pb.environment().put("PORT", Integer.toString(p[1]));
    Process stranger = procs.start(pb);
    TrackedProcesses.awaitListening("127.0.0.1", p[1], Duration.ofSeconds(10));

    JsonNode scan = runJson(0, "scan", "devstack");
    Map<Integer, JsonNode> byPort = new HashMap<>();
    scan.get("families")
        .get(0)
        .get("candidates")
        .forEach(c -> byPort.put(c.get("port").asInt(), c));
    assertEquals("safe_auto", byPort.get(p[0]).get("cleanup_class").asString(), scan.toString());
    assertEquals("operator_required", byPort.get(p[1]).get("cleanup_class").asString());
    assertTrue(
        byPort.get(p[1]).get("skip_reason").asString().contains(project.toString()),
        "listed with its cwd: " + byPort.get(p[1]));

    JsonNode cleanup = runJson(0, "cleanup", "devstack");
    assertEquals(1, cleanup.get("swept").size(), cleanup.toString());
    assertEquals(p[0], cleanup.get("swept").get(0).get("port").asInt());
    assertEquals(Set.of(), stackProcesses(stack), "the leftover and its worker are gone");
    assertTrue(stranger.isAlive() && listening(p[1]), "never killed by its name");
  }

  @Test
  void badStackFilesNameFileAndLineAndStartNothing() throws Exception {
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put("Procfile", "web: node server.js\nthis line has no colon\n");
    cases.put(
        "kitty-stack.json",
        """
        {"services": {"a": {"command": "node server.js", "depends_on": ["b"]},
                      "b": {"command": "node server.js", "depends_on": ["a"]}}}
        """);
    cases.put(
        "unknown.json",
        """
        {"services": {"a": {"command": "node server.js", "depends_on": ["nope"]}}}
        """);
    cases.put(
        "range.json",
        """
        {"services": {"a": {"command": "node server.js", "port": 8080}}}
        """);
    cases.put("typo/Procfile", "api: node server.js\nweb: nodee server.js\n");
    Map<String, String> expected =
        Map.of(
            "Procfile", "Procfile:2: not \"name: command\"",
            "kitty-stack.json", "dependency cycle: a -> b -> a",
            "unknown.json", "depends on \"nope\"",
            "range.json", "port 8080 is outside the devstack range",
            "typo/Procfile", "Procfile:2: service web: command \"nodee\" not found on the PATH");
    for (var c : cases.entrySet()) {
      Files.createDirectories(project.resolve(c.getKey()).getParent());
      Path f = write(c.getKey(), c.getValue());
      KittyRun.Result r = run("up", f.toString());
      assertEquals(2, r.code(), c.getKey() + ": " + r.out() + r.err());
      assertTrue(r.err().contains(f.toString()), "names the file: " + r.err());
      assertTrue(r.err().contains(expected.get(c.getKey())), c.getKey() + ": " + r.err());
      assertEquals(Set.of(), stackProcesses(stackId(f)));
      assertFalse(
          Files.exists(home.resolve("state/records/stack." + stackId(f) + ".json")),
          "nothing recorded for " + c.getKey());
    }
    KittyRun.Result unknown =
        run("logs", "nope", "--file", project.resolve("range.json").toString());
    assertEquals(2, unknown.code(), unknown.err());
    assertTrue(unknown.err().contains("no stack on record"), unknown.err());
  }
}
