package dev.kitty.family.dashboard;

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
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Kitty's dashboard for one project: a loopback web server on a port in [9237, 9337) that records
 * itself before it answers anything — its marker (nonce, pid, port, start) under the state dir and
 * the project's {@code .kittify/.dashboard} (url, port, token, pid, start stamp), both written
 * atomically — so no moment exists in which it runs unrecorded. It serves {@code /api/health} to
 * anyone on loopback (identity, and proofs of its token and nonce, never the token itself); the
 * page ({@code /}, with {@code /dashboard.js} and {@code /dashboard.css}), {@code /api/state} (what
 * {@code kitty --json --redact doctor} says, refreshed at most every two seconds) and {@code POST
 * /api/shutdown} only with the project's token, from its own origin, to a loopback Host (ADR 27).
 * On exit it removes its marker, and the metadata file if that still names it. Its sync intent is
 * {@code LOCAL_ONLY}.
 *
 * <p>Usage: {@code DashboardDaemon --project DIR --port N --state-dir DIR}. Environment: {@code
 * KITTY_TOKEN} (the project's token), {@code KITTY_LAUNCH_ID}, {@code KITTY_COMMAND} (a JSON array:
 * how to run kitty for {@code /api/state}).
 */
public final class DashboardDaemon {

  static final int PROTOCOL_VERSION = 1;

  /** What an unauthorised request is told. */
  static final String HINT =
      "not authorised: open the URL that `kitty dashboard` prints (run it in the project's folder)";

  private final Path project;
  private final Path metadata;
  private final Path marker;
  private final int port;
  private final String token;
  private final String nonce = DaemonProof.randomHex(16);
  private final long pid = ProcessHandle.current().pid();
  private final Instant startedAt =
      ProcessHandle.current().info().startInstant().orElseGet(Instant::now);
  private final List<String> kittyCommand;
  private final LoopbackWeb web;
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile String state;
  private volatile long stateAt;
  private final java.util.concurrent.atomic.AtomicBoolean refreshing =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final java.util.concurrent.CompletableFuture<String> firstState =
      new java.util.concurrent.CompletableFuture<>();

  private DashboardDaemon(Path project, int port, Path stateDir, String token, List<String> kitty) {
    this.project = project;
    this.metadata = project.resolve(".kittify").resolve(".dashboard");
    this.marker = markerFile(stateDir, pid);
    this.port = port;
    this.token = token;
    this.kittyCommand = kitty;
    this.web =
        new LoopbackWeb(
            port, token, line -> System.out.println(Instant.now() + " dashboard: " + line));
  }

  /** Where the dashboard with {@code pid} keeps its marker. */
  static Path markerFile(Path stateDir, long pid) {
    return stateDir
        .toAbsolutePath()
        .normalize()
        .resolve("dashboard")
        .resolve("markers")
        .resolve(pid + ".json");
  }

  /** Runs the dashboard until it is shut down or signalled. */
  public static void main(String[] args) {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i], args[i + 1]);
    }
    if (!opts.keySet().containsAll(List.of("--project", "--port", "--state-dir"))) {
      System.err.println("usage: DashboardDaemon --project DIR --port N --state-dir DIR");
      System.exit(2);
    }
    String token = System.getenv("KITTY_TOKEN");
    if (token == null || token.isBlank()) {
      token = DaemonProof.randomHex(16);
    }
    List<String> kitty = List.of();
    String command = System.getenv("KITTY_COMMAND");
    if (command != null && !command.isBlank()) {
      try {
        kitty = ((List<?>) JsonText.parse(command)).stream().map(String::valueOf).toList();
      } catch (RuntimeException e) {
        System.err.println("dashboard: KITTY_COMMAND is not a JSON array of words: " + e);
        System.exit(2);
      }
    }
    Path project = Path.of(opts.get("--project")).toAbsolutePath().normalize();
    DashboardDaemon d =
        new DashboardDaemon(
            project,
            Integer.parseInt(opts.get("--port")),
            Path.of(opts.get("--state-dir")),
            token,
            kitty);
    System.exit(d.run());
  }

  private int run() {
    // Idle or slow clients must never starve the health answer: a dashboard that did not answer in
    // time was once taken for a stale one (ADR 18 addendum).
    LoopbackWeb.configureJdkServer();
    // Test-only (ISO-8601, e.g. PT3S): widens the window between launch and health so that a test
    // can interrupt a start inside it.
    String delay = System.getenv("KITTY_DASHBOARD_START_DELAY");
    if (delay != null && !delay.isBlank()) {
      try {
        Thread.sleep(java.time.Duration.parse(delay).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        System.err.println("dashboard: KITTY_DASHBOARD_START_DELAY is not an ISO-8601 duration");
        return 2;
      }
    }
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    } catch (BindException e) {
      System.err.println("dashboard: port " + port + " is taken");
      return 3;
    } catch (IOException e) {
      System.err.println("dashboard: cannot listen on " + port + ": " + e.getMessage());
      return 3;
    }
    try {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("schema_version", DaemonProof.MARKER_SCHEMA_VERSION);
      m.put("daemon_family", "dashboard");
      m.put("nonce", nonce);
      m.put("pid", pid);
      m.put("port", port);
      m.put("start_time", startedAt.toString());
      m.put("project_dir", project.toString());
      writeAtomically(marker, JsonText.write(m) + "\n");
      String url = "http://127.0.0.1:" + port;
      writeAtomically(
          metadata, new DashboardMetadata(url, port, token, pid, startTicks()).format());
    } catch (IOException e) {
      System.err.println("dashboard: cannot record itself: " + e.getMessage());
      server.stop(0);
      removeRecords();
      return 2;
    }
    // The hook stops the server before anything else: it frees the port at once, and a JVM that
    // exits while the server's selector thread still waits in native code stalls ~300 ms in
    // VM_Exit (JDK-8314243) -- measured 330 ms per TERM, 418 ms for 100 orphans at once.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.stop(0);
                  removeRecords();
                },
                "dashboard-records"));
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", web.guarded(this::route));
    server.start();
    System.out.println(
        Instant.now() + " dashboard of " + project + " on 127.0.0.1:" + port + " as pid " + pid);
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.stop(0);
    removeRecords();
    return 0;
  }

  /** Linux: field 22 of {@code /proc/self/stat}, the stamp kitty compares; null elsewhere. */
  private static Long startTicks() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[19]);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp =
        Files.createTempFile(
            file.getParent(),
            "." + file.getFileName(),
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The marker always; the metadata only while it still names this process. */
  private synchronized void removeRecords() {
    try {
      Files.deleteIfExists(marker);
      if (Files.isRegularFile(metadata, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        DashboardMetadata m =
            DashboardMetadata.parse(
                DaemonProof.readSmallFile(metadata, DashboardMetadata.MAX_BYTES));
        if (m.pid() != null && m.pid() == pid) {
          Files.deleteIfExists(metadata);
        }
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("dashboard: cannot remove its records: " + e.getMessage());
    }
  }

  /**
   * Every path, behind the Host and origin checks: the health challenge is open, the assets carry
   * nothing of the project, everything else needs the token.
   */
  private void route(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getPath();
    switch (path) {
      case "/api/health" -> health(x);
      case "/dashboard.js" -> asset(x, "dashboard.js", "text/javascript");
      case "/dashboard.css" -> asset(x, "dashboard.css", "text/css");
      case "/api/shutdown" -> shutdown(x);
      case "/", "/api/state" -> {
        Optional<String> login =
            path.equals("/")
                ? LoopbackWeb.query(x.getRequestURI().getRawQuery(), "token")
                : Optional.empty();
        if (login.isPresent()) {
          login(x, login.get());
        } else if (!web.authorised(x)) {
          unauthorised(x, path);
        } else if (path.equals("/")) {
          page(x);
        } else {
          state(x);
        }
      }
      default -> LoopbackWeb.send(x, 404, "not found\n", "text/plain");
    }
  }

  /**
   * {@code /?token=T}: the URL {@code kitty dashboard} prints. The right token earns this run's
   * session cookie (HttpOnly) and the browser is sent to {@code /}, so that the token leaves the
   * address bar (the history keeps the first URL).
   */
  private void login(HttpExchange x, String given) throws IOException {
    if (!web.tokenMatches(given)) {
      unauthorised(x, "/");
      return;
    }
    x.getResponseHeaders().set("Set-Cookie", web.tokenCookie());
    x.getResponseHeaders().set("Location", "/");
    LoopbackWeb.send(x, 303, "", "text/plain");
  }

  private void unauthorised(HttpExchange x, String path) throws IOException {
    web.refused(x, "no token and no session of this run");
    if (path.startsWith("/api/")) {
      LoopbackWeb.send(x, 401, JsonText.write(Map.of("error", HINT)) + "\n", "application/json");
    } else {
      LoopbackWeb.send(x, 401, HINT + "\n", "text/plain");
    }
  }

  private void health(HttpExchange x) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "ok");
    body.put("daemon_family", "dashboard");
    body.put("project_path", project.toString());
    body.put("pid", pid);
    body.put("port", port);
    body.put("started_at", startedAt.toString());
    body.put("protocol_version", PROTOCOL_VERSION);
    body.put("package_version", version());
    body.put("intent", "LOCAL_ONLY");
    String challenge =
        LoopbackWeb.query(x.getRequestURI().getRawQuery(), DaemonProof.CHALLENGE).orElse(null);
    if (challenge != null && challenge.length() <= 128) {
      body.put("token_proof", DaemonProof.proof(token, challenge));
      body.put("marker_proof", DaemonProof.proof(nonce, challenge));
    }
    LoopbackWeb.send(x, 200, JsonText.write(body), "application/json");
  }

  private void state(HttpExchange x) throws IOException {
    if (kittyCommand.isEmpty()) {
      LoopbackWeb.send(x, 503, "{\"error\":\"started without KITTY_COMMAND\"}", "application/json");
      return;
    }
    refreshIfStale();
    String now = state;
    if (now == null) {
      try {
        now = firstState.get(25, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
        LoopbackWeb.send(
            x, 503, "{\"error\":\"the first state is still being computed\"}", "application/json");
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    LoopbackWeb.send(x, 200, now, "application/json");
  }

  /**
   * Starts one refresh of the state off the request threads when the last is older than 2 s: all
   * readers share it, a loop of requests is never a loop of kitty processes, and no request waits
   * for one except the very first.
   */
  private void refreshIfStale() {
    if ((state == null || System.nanoTime() - stateAt > 2_000_000_000L)
        && refreshing.compareAndSet(false, true)) {
      Thread.ofVirtual()
          .name("dashboard-state")
          .start(
              () -> {
                try {
                  String s = runKitty();
                  state = s;
                  stateAt = System.nanoTime();
                  firstState.complete(s);
                } finally {
                  refreshing.set(false);
                }
              });
    }
  }

  /**
   * {@code kitty --json --redact doctor}: secrets in command lines and environments are masked
   * before they reach a browser (ADR 27). Its exit code 3 ("something needs action") is an answer
   * too.
   */
  private String runKitty() {
    List<String> cmd = new java.util.ArrayList<>(kittyCommand);
    cmd.addAll(List.of("--json", "--redact", "doctor"));
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(false)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readNBytes(4 << 20), StandardCharsets.UTF_8);
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        // Left to finish on its own: only the engine's gate signals processes (ADR 12).
        return "{\"error\":\"kitty doctor did not answer in 20 s\"}";
      }
      return out.isBlank()
          ? "{\"error\":\"kitty doctor exited " + p.exitValue() + " without output\"}"
          : out;
    } catch (IOException e) {
      return JsonText.write(Map.of("error", "cannot run kitty: " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "{\"error\":\"interrupted\"}";
    }
  }

  /**
   * {@code POST /api/shutdown} with the token in the request ({@link LoopbackWeb#presentedToken})
   * or in the JSON body, as kitty's stop plan sends it. Never by GET: a link or an image must not
   * stop anything.
   */
  private void shutdown(HttpExchange x) throws IOException {
    if (!"POST".equals(x.getRequestMethod())) {
      x.getResponseHeaders().set("Allow", "POST");
      LoopbackWeb.send(x, 405, "{\"error\":\"POST with the token\"}", "application/json");
      return;
    }
    String given = web.presentedToken(x).orElse(null);
    if (given == null) {
      try (InputStream in = x.getRequestBody()) {
        Object t =
            JsonText.parseObject(new String(in.readNBytes(4096), StandardCharsets.UTF_8))
                .get("token");
        given = t instanceof String str ? str : null;
      } catch (IllegalArgumentException bad) {
        given = null;
      }
    }
    if (!web.tokenMatches(given)) {
      web.refused(x, "shutdown refused (wrong or missing token)");
      LoopbackWeb.send(x, 403, "{\"error\":\"wrong token\"}", "application/json");
      return;
    }
    LoopbackWeb.send(x, 200, "{\"status\":\"shutting down\"}", "application/json");
    stop.countDown();
  }

  private void page(HttpExchange x) throws IOException {
    try (InputStream in = DashboardDaemon.class.getResourceAsStream("dashboard.html")) {
      String html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      LoopbackWeb.send(
          x, 200, html.replace("{{project}}", escapeHtml(project.toString())), "text/html");
    }
  }

  private void asset(HttpExchange x, String name, String type) throws IOException {
    try (InputStream in = DashboardDaemon.class.getResourceAsStream(name)) {
      LoopbackWeb.send(x, 200, new String(in.readAllBytes(), StandardCharsets.UTF_8), type);
    }
  }

  private static String escapeHtml(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static String version() {
    return DashboardDaemon.class.getModule().getDescriptor() == null
        ? "unknown"
        : DashboardDaemon.class.getModule().getDescriptor().rawVersion().orElse("unknown");
  }
}
