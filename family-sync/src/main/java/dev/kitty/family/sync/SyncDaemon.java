package dev.kitty.family.sync;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kitty.api.support.DaemonProof;
import dev.kitty.api.support.JsonText;
import dev.kitty.api.web.LoopbackWeb;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * The sync daemon: a long-running process, one singleton per scope, serving loopback HTTP on a port
 * in [9400, 9450). {@code kitty sync ensure} starts it in the background; it writes its own
 * identity marker, answers {@code /api/health} with the identity payload and a proof of the
 * marker's nonce, runs jobs ({@code POST /api/jobs}), stops on {@code POST /api/shutdown} with its
 * token, and retires on its own once it is no longer the recorded singleton of its scope and has
 * nothing in flight.
 *
 * <p>Usage: {@code SyncDaemon --port N --state-dir DIR --record FILE}. Environment: {@code
 * KITTY_TOKEN} (the shutdown token), {@code KITTY_LAUNCH_ID}, {@code KITTY_SYNC_INTENT}, {@code
 * KITTY_SYNC_SERVER_URL}, and the overrides named in {@link SyncContract}.
 */
public final class SyncDaemon {

  /** Exit status when the arguments or the environment are wrong. */
  static final int EXIT_USAGE = 2;

  /** Exit status when the port is taken. */
  static final int EXIT_PORT_BUSY = 3;

  private final int port;
  private final Path root;
  private final Path record;
  private final Path marker;
  private final String token;
  private final DaemonIntent intent;
  private final String serverUrl;
  private final String packageVersion = SyncContract.currentPackageVersion();
  private final String launchId = System.getenv("KITTY_LAUNCH_ID");
  private final long pid = ProcessHandle.current().pid();
  private final Instant startedAt;
  private final String nonce = DaemonProof.randomHex(16);
  private final JobQueue queue;
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile String exitReason = "stopped";

  private SyncDaemon(int port, Path stateDir, Path record, DaemonIntent intent, String serverUrl)
      throws IOException {
    this.port = port;
    this.root = SyncContract.daemonRoot(stateDir);
    this.record = record;
    this.marker = SyncContract.markerFile(root, pid);
    this.intent = intent;
    this.serverUrl = serverUrl;
    String given = System.getenv("KITTY_TOKEN");
    this.token = given == null || given.isBlank() ? DaemonProof.randomHex(16) : given;
    this.startedAt = ProcessHandle.current().info().startInstant().orElseGet(Instant::now);
    this.queue = new JobQueue(SyncContract.queueFile(root));
  }

  /** Runs the daemon until it is shut down, retires, or is signalled. */
  public static void main(String[] args) {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i], args[i + 1]);
    }
    if (args.length % 2 != 0
        || !opts.keySet().containsAll(java.util.List.of("--port", "--state-dir", "--record"))) {
      System.err.println("usage: SyncDaemon --port N --state-dir DIR --record FILE");
      System.exit(EXIT_USAGE);
    }
    SyncDaemon daemon;
    try {
      DaemonIntent intent =
          DaemonIntent.parse(System.getenv().getOrDefault("KITTY_SYNC_INTENT", "local_only"));
      if (intent == DaemonIntent.HOSTED && !"1".equals(System.getenv(DaemonIntent.ENABLE_HOSTED))) {
        throw new IllegalArgumentException(
            "hosted sync needs " + DaemonIntent.ENABLE_HOSTED + "=1");
      }
      String server =
          intent == DaemonIntent.HOSTED
              ? System.getenv().getOrDefault("KITTY_SYNC_SERVER_URL", "https://sync.kitty.invalid")
              : null;
      SyncContract.retireAfter();
      daemon =
          new SyncDaemon(
              Integer.parseInt(opts.get("--port")),
              Path.of(opts.get("--state-dir")),
              Path.of(opts.get("--record")),
              intent,
              server);
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("sync daemon: " + e.getMessage());
      System.exit(EXIT_USAGE);
      return;
    }
    System.exit(daemon.run());
  }

  private int run() {
    // Idle clients must never stall the health answer that proves this is the live singleton.
    LoopbackWeb.configureJdkServer();
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    } catch (BindException e) {
      System.err.println("sync daemon: port " + port + " is taken");
      return EXIT_PORT_BUSY;
    } catch (IOException e) {
      System.err.println("sync daemon: cannot listen on " + port + ": " + e.getMessage());
      return EXIT_PORT_BUSY;
    }
    try {
      writeMarker();
    } catch (IOException e) {
      System.err.println("sync daemon: cannot write marker " + marker + ": " + e.getMessage());
      server.stop(0);
      return EXIT_USAGE;
    }
    // Stop the server first: the port is freed at once, and no selector thread is left in native
    // code to stall the VM's exit by ~300 ms (JDK-8314243).
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.stop(0);
                  // Within the stop plan's TERM grace (3 s): finish what is nearly done, hand
                  // back the rest.
                  queue.close(Duration.ofMillis(1500));
                  removeMarker();
                },
                "sync-marker-cleanup"));
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    // Every path behind the loopback Host and same-origin checks (ADR 27): a page the user's
    // browser visits can neither read the health answer by DNS rebinding nor post jobs or a
    // shutdown across origins.
    LoopbackWeb web = new LoopbackWeb(port, token, SyncDaemon::log);
    server.createContext(
        "/",
        web.guarded(
            x -> {
              switch (x.getRequestURI().getPath()) {
                case "/api/health" -> health(x);
                case "/api/jobs" -> jobs(x);
                case "/api/shutdown" -> shutdown(x, web);
                default -> send(x, 404, Map.of("error", "not found"));
              }
            }));
    server.start();
    log(
        "listening on 127.0.0.1:"
            + port
            + " as pid "
            + pid
            + ", version "
            + packageVersion
            + ", root "
            + root
            + ", intent "
            + intent);
    Thread retire = new Thread(this::watchRetirement, "sync-retirement");
    retire.setDaemon(true);
    retire.start();
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log("exiting: " + exitReason);
    server.stop(0);
    queue.close(Duration.ofMillis(1500));
    removeMarker();
    return 0;
  }

  private void writeMarker() throws IOException {
    Files.createDirectories(
        marker.getParent(),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    SyncMarker m =
        new SyncMarker(
            nonce,
            pid,
            port,
            startedAt,
            packageVersion,
            SyncContract.PROTOCOL_VERSION,
            root.toString(),
            launchId);
    Path tmp =
        Files.createTempFile(
            marker.getParent(),
            "." + pid,
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, m.toJson());
    Files.move(tmp, marker, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private void removeMarker() {
    try {
      Files.deleteIfExists(marker);
    } catch (IOException e) {
      System.err.println("sync daemon: cannot remove marker " + marker + ": " + e.getMessage());
    }
  }

  /** Retires once not recorded and idle for {@link SyncContract#retireAfter()}. */
  private void watchRetirement() {
    Duration after = SyncContract.retireAfter();
    long tick = Math.clamp(after.toMillis() / 4, 50, 5000);
    long idleSince = System.nanoTime();
    while (stop.getCount() > 0) {
      try {
        Thread.sleep(tick);
      } catch (InterruptedException e) {
        return;
      }
      if (queue.inFlight() > 0 || recorded()) {
        idleSince = System.nanoTime();
        continue;
      }
      if (System.nanoTime() - idleSince >= after.toNanos()) {
        exitReason = "retired: not the recorded singleton of " + root + " and idle for " + after;
        stop.countDown();
        return;
      }
    }
  }

  /**
   * Whether the singleton record names this daemon. A record that cannot be read keeps it alive.
   */
  private boolean recorded() {
    String text;
    try {
      text = DaemonProof.readSmallFile(record, 1 << 20);
    } catch (java.nio.file.NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
    try {
      Map<String, Object> r = JsonText.parseObject(text);
      return r.get("pid") instanceof Long p
          && p == pid
          && r.get("port") instanceof Long q
          && q == port;
    } catch (IllegalArgumentException corrupt) {
      return true;
    }
  }

  private void health(HttpExchange x) throws IOException {
    if (!"GET".equals(x.getRequestMethod())) {
      x.getResponseHeaders().set("Allow", "GET");
      send(x, 405, Map.of("error", "GET only"));
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "ok");
    body.put("daemon_family", "sync");
    body.put("protocol_version", SyncContract.PROTOCOL_VERSION);
    body.put("package_version", packageVersion);
    body.put("pid", pid);
    body.put("port", port);
    body.put("singleton_scope_id", root.toString());
    body.put("daemon_root", root.toString());
    body.put("queue_db_path", SyncContract.queueFile(root).toString());
    body.put("auth_scope", intent == DaemonIntent.HOSTED ? "user" : null);
    body.put("server_url", serverUrl);
    body.put("intent", intent.name());
    body.put("in_flight", queue.inFlight());
    body.put("started_at", startedAt.toString());
    body.put("launch_id", launchId);
    String challenge =
        LoopbackWeb.query(x.getRequestURI().getRawQuery(), DaemonProof.CHALLENGE).orElse(null);
    if (challenge != null && challenge.length() <= 128) {
      body.put("marker_proof", DaemonProof.proof(nonce, challenge));
    }
    send(x, 200, body);
  }

  private void jobs(HttpExchange x) throws IOException {
    switch (x.getRequestMethod()) {
      case "GET" -> send(x, 200, Map.of("in_flight", queue.inFlight(), "done", queue.done()));
      case "POST" -> {
        Map<String, Object> req;
        try {
          req = JsonText.parseObject(body(x));
        } catch (IllegalArgumentException e) {
          send(x, 400, Map.of("error", "body is not a JSON object: " + e.getMessage()));
          return;
        }
        long ms = req.get("duration_ms") instanceof Long l ? l : 0;
        if (ms <= 0 || ms > JobQueue.MAX_JOB.toMillis()) {
          send(
              x,
              400,
              Map.of("error", "duration_ms must be in (0, " + JobQueue.MAX_JOB.toMillis() + "]"));
          return;
        }
        String name = req.get("name") instanceof String s ? s : "job";
        long id;
        try {
          id = queue.submit(name, Duration.ofMillis(ms));
        } catch (IOException shuttingDown) {
          send(x, 503, Map.of("error", shuttingDown.getMessage()));
          return;
        }
        send(x, 202, Map.of("id", id, "in_flight", queue.inFlight()));
      }
      default -> {
        x.getResponseHeaders().set("Allow", "GET, POST");
        send(x, 405, Map.of("error", "GET or POST"));
      }
    }
  }

  private void shutdown(HttpExchange x, LoopbackWeb web) throws IOException {
    if (!"POST".equals(x.getRequestMethod())) {
      x.getResponseHeaders().set("Allow", "POST");
      send(x, 405, Map.of("error", "POST with the token"));
      return;
    }
    Object given;
    try {
      given = JsonText.parseObject(body(x)).get("token");
    } catch (IllegalArgumentException e) {
      given = null;
    }
    if (!(given instanceof String t) || !web.tokenMatches(t)) {
      web.refused(x, "shutdown refused (wrong or missing token)");
      send(x, 403, Map.of("error", "wrong token"));
      return;
    }
    send(x, 200, Map.of("status", "shutting down"));
    exitReason = "shut down over HTTP";
    stop.countDown();
  }

  private static String body(HttpExchange x) throws IOException {
    try (InputStream in = x.getRequestBody()) {
      return new String(in.readNBytes(4096), StandardCharsets.UTF_8);
    }
  }

  private static void send(HttpExchange x, int status, Map<String, ?> body) throws IOException {
    LoopbackWeb.send(x, status, JsonText.write(body), "application/json");
  }

  private static void log(String line) {
    System.out.println(Instant.now() + " sync daemon: " + line);
  }
}
