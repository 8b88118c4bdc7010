package dev.kitty.shell;

import dev.kitty.testkit.TrackedProcesses;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Real sync daemons and real kitty processes for the sync family's live tests: daemons are the
 * production main class, started the way a leak leaves them (by hand, not recorded), and kitty runs
 * as its own JVM so that {@code sync ensure} launches exactly as it does for a user.
 */
final class SyncDaemons {

  static final String MAIN = "dev.kitty.family.sync/dev.kitty.family.sync.SyncDaemon";

  private SyncDaemons() {}

  /** The java of the JVM running the tests. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The command line of a kitty run with {@code args}, as every live test starts it. */
  static List<String> kittyCommand(String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java(),
                // The launcher's heap (issue 9): every live test's kitty runs in 64 MB.
                "-Xmx64m",
                "-p",
                System.getProperty("kitty.module.path"),
                "--enable-native-access=dev.kitty.engine",
                "-m",
                "dev.kitty.shell/dev.kitty.shell.Main"));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Starts a kitty process with the test cookie; returns it running. */
  static Process startKitty(
      TrackedProcesses procs, Path home, Map<String, String> env, String... args) {
    List<String> cmd = kittyCommand(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(KittyRun.env(home));
    pb.environment().putAll(env);
    return procs.start(pb.redirectError(ProcessBuilder.Redirect.PIPE));
  }

  /** Runs kitty to the end. */
  static KittyRun.Result kitty(
      TrackedProcesses procs, Path home, Map<String, String> env, String... args) {
    return finish(startKitty(procs, home, env, args), args);
  }

  static KittyRun.Result finish(Process p, String... args) {
    return finish(p, java.time.Duration.ofSeconds(60), args);
  }

  /** As above, waiting up to {@code limit} for kitty to end. */
  static KittyRun.Result finish(Process p, java.time.Duration limit, String... args) {
    try {
      // A thread each, not the common pool: on two cores it has one worker, and stdout would wait
      // behind stderr until kitty blocks on a full pipe.
      var err = new java.util.concurrent.CompletableFuture<String>();
      var out = new java.util.concurrent.CompletableFuture<String>();
      Thread.ofVirtual().start(() -> err.complete(read(p.getErrorStream())));
      Thread.ofVirtual().start(() -> out.complete(read(p.getInputStream())));
      // The limit holds even while kitty keeps its output open (a kitty that hangs).
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly(); // this test's own kitty process, by its handle
        throw new AssertionError(
            "kitty did not finish in " + limit + ": " + String.join(" ", args));
      }
      return new KittyRun.Result(p.exitValue(), out.join(), err.join(), List.of(args));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes());
    } catch (java.io.IOException e) {
      return "";
    }
  }

  /** Starts a sync daemon by hand (as a leak leaves one: not recorded) and waits for its health. */
  static Process daemon(
      TrackedProcesses procs, Path stateDir, int port, String version, Map<String, String> env) {
    Map<String, String> all =
        new java.util.HashMap<>(Map.of("KITTY_SYNC_PACKAGE_VERSION", version));
    all.putAll(env);
    return moduleMain(
        procs,
        all,
        MAIN,
        "--port",
        Integer.toString(port),
        "--state-dir",
        stateDir.toString(),
        "--record",
        stateDir.resolve("records/sync.json").toString());
  }

  /**
   * Starts {@code main} (module/class) of kitty's module path in a small JVM of its own, with the
   * test cookie, its output discarded: a daemon as a leak leaves it.
   */
  static Process moduleMain(
      TrackedProcesses procs, Map<String, String> env, String main, String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java(),
                "-Xmx32m",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-p",
                System.getProperty("kitty.module.path"),
                "-m",
                main));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    return procs.start(pb);
  }

  /** Waits until the daemon on {@code port} answers its health check. */
  static void awaitHealthy(int port) {
    TrackedProcesses.await(
        "sync daemon on " + port + " to answer",
        Duration.ofSeconds(30),
        () -> health(port) != null);
  }

  /** The daemon's health answer, or null when it does not answer. */
  static JsonNode health(int port) {
    try {
      String[] r = http(port, "GET", "/api/health", null);
      return r[0].equals("200") ? KittyRun.JSON.readTree(r[1]) : null;
    } catch (Exception e) {
      return null;
    }
  }

  /** Posts a job that holds the daemon busy for {@code ms}; answers the HTTP status. */
  static int submitJob(int port, long ms) throws Exception {
    return Integer.parseInt(
        http(port, "POST", "/api/jobs", "{\"duration_ms\":" + ms + ",\"name\":\"test\"}")[0]);
  }

  /** One HTTP/1.0 exchange on loopback: {status, body}. */
  static String[] http(int port, String method, String path, String body)
      throws java.io.IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(3000);
      byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      OutputStream out = s.getOutputStream();
      out.write(
          (method
                  + " "
                  + path
                  + " HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: "
                  + payload.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(payload);
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.UTF_8);
      int split = text.indexOf("\r\n\r\n");
      String status = text.substring(text.indexOf(' ') + 1, text.indexOf(' ') + 4);
      return new String[] {status, split < 0 ? "" : text.substring(split + 4)};
    }
  }

  /**
   * Whether {@code pid} is alive (a zombie is not: it holds nothing and only waits to be reaped).
   */
  static boolean alive(long pid) {
    try {
      String stat = java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
      return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (Exception gone) {
      return false;
    }
  }

  /** Waits until {@code pid} is gone. */
  static void awaitGone(long pid, Duration timeout) {
    TrackedProcesses.await("pid " + pid + " to exit", timeout, () -> !alive(pid));
  }
}
