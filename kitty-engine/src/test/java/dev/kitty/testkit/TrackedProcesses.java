package dev.kitty.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the real processes a test needs and ends them after it, by PID. Every process carries
 * {@code KITTY_TEST=<run id>}; after each test the tracked processes, their descendants, and any
 * process that carries this run's cookie (a daemon that double-forked away from its parent) are
 * killed, each by its own PID.
 *
 * <p>Use as {@code @RegisterExtension final TrackedProcesses procs = new TrackedProcesses();}.
 */
public final class TrackedProcesses implements AfterEachCallback {

  /** This test run's id: the value of {@code KITTY_TEST} in every process a test starts. */
  public static final String RUN_ID = runId();

  private final List<Process> started = new ArrayList<>();

  private static String runId() {
    String id = System.getProperty("kitty.test.run");
    if (id == null || id.isBlank()) {
      id = System.getenv("KITTY_TEST");
    }
    return id == null || id.isBlank() ? "local-" + ProcessHandle.current().pid() : id;
  }

  /** Starts {@code command} with the test cookie; stdout is a pipe, stderr is discarded. */
  public Process start(String... command) {
    return start(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD));
  }

  /** Starts {@code pb} with the test cookie, its redirects as the builder says. */
  public synchronized Process start(ProcessBuilder pb) {
    pb.environment().put("KITTY_TEST", RUN_ID);
    try {
      Process p = pb.start();
      started.add(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + pb.command(), e);
    }
  }

  /** Whether {@code program} can be found on PATH. */
  public static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  /** A port in {@code [from, to)} that nothing listens on now (probed by binding it). */
  public static int freePort(int from, int to) {
    for (int port = from; port < to; port++) {
      try (ServerSocket s = new ServerSocket()) {
        // As the daemons themselves bind (Python's HTTPServer, the JDK's HttpServer): a port whose
        // last connection lingers in TIME_WAIT is free for them, so it is free here too.
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress("127.0.0.1", port));
        return port;
      } catch (IOException busy) {
        // taken: try the next
      }
    }
    throw new IllegalStateException("no free port in [" + from + ", " + to + ")");
  }

  /** Waits until {@code host:port} accepts connections. */
  public static void awaitListening(String host, int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), 200);
        return;
      } catch (IOException notYet) {
        sleep(50);
      }
    }
    throw new AssertionError(host + ":" + port + " did not start listening within " + timeout);
  }

  /** Waits until {@code check} holds. */
  public static void await(
      String what, Duration timeout, java.util.function.BooleanSupplier check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!check.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " did not happen within " + timeout);
      }
      sleep(50);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    killAll();
  }

  /** Ends every tracked process, its descendants and every other process with this run's cookie. */
  public synchronized void killAll() {
    List<ProcessHandle> victims = new ArrayList<>();
    for (Process p : started) {
      p.toHandle().descendants().forEach(victims::add);
      victims.add(p.toHandle());
    }
    victims.addAll(cookieCarriers());
    for (ProcessHandle h : victims) {
      h.destroyForcibly();
    }
    for (ProcessHandle h : victims) {
      try {
        h.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        // reported by the suite's leak check if it is really still there
      }
    }
    started.clear();
  }

  /**
   * Processes carrying this run's cookie that this JVM did not start directly (a detached
   * grandchild), excluding this JVM and its ancestors, which carry it too.
   */
  private static List<ProcessHandle> cookieCarriers() {
    List<ProcessHandle> out = new ArrayList<>();
    Path proc = Path.of("/proc");
    if (!Files.isDirectory(proc)) {
      return out;
    }
    List<Long> exclude = new ArrayList<>();
    for (ProcessHandle h = ProcessHandle.current(); h != null; h = h.parent().orElse(null)) {
      exclude.add(h.pid());
    }
    byte[] needle = ("KITTY_TEST=" + RUN_ID).getBytes(StandardCharsets.UTF_8);
    try (var dirs = Files.list(proc)) {
      for (Path d : dirs.toList()) {
        String name = d.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        long pid = Long.parseLong(name);
        if (exclude.contains(pid)) {
          continue;
        }
        try {
          byte[] env = Files.readAllBytes(d.resolve("environ"));
          if (containsEntry(env, needle)) {
            ProcessHandle.of(pid).ifPresent(out::add);
          }
        } catch (IOException gone) {
          // exited or not ours to read
        }
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  private static boolean containsEntry(byte[] env, byte[] entry) {
    int start = 0;
    for (int i = 0; i <= env.length; i++) {
      if (i == env.length || env[i] == 0) {
        if (i - start == entry.length
            && java.util.Arrays.equals(env, start, i, entry, 0, entry.length)) {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }
}
