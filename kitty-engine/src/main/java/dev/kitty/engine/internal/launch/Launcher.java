package dev.kitty.engine.internal.launch;

import dev.kitty.api.HttpAnswer;
import dev.kitty.api.LaunchSpec;
import dev.kitty.api.ProcessView;
import dev.kitty.engine.internal.CrashPoints;
import dev.kitty.engine.internal.contain.Cell;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.discovery.ProcessNode;
import dev.kitty.engine.internal.http.LoopbackHttp;
import dev.kitty.engine.internal.signal.SignalGate;
import dev.kitty.engine.internal.state.StateStore;
import dev.kitty.engine.model.Confinement;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.KittyException;
import java.io.File;
import java.io.IOException;
import java.lang.module.ResolvedModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Starts a family's daemon so that it can never be lost: a session and process group of its own (so
 * a closing terminal does not take it down and a group signal reaches all of it), the launch cookie
 * in its environment (inherited by everything it starts), no inherited descriptors (the JDK closes
 * every descriptor above stderr in the child: no listening socket leaks into it), output in a log
 * file, and success only once its health check answers. A start that fails has its process stopped
 * through the gate, as a member of this launch.
 */
public final class Launcher {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Launcher.class);

  /**
   * A daemon that started and answered its health check.
   *
   * @param scope the scope it was started for, or null
   * @param node the process as the table saw it once healthy (pid, start ticks, group, session)
   * @param startTime when it started
   * @param port its port
   * @param launchId its cookie
   * @param token its shutdown token
   * @param command the command as run
   * @param log where its output goes
   * @param cell the cgroup it runs in, or null where there is no containment (ADR 29)
   */
  public record Launched(
      String scope,
      ProcessNode node,
      Instant startTime,
      int port,
      String launchId,
      String token,
      List<String> command,
      Path log,
      Cell cell) {}

  /**
   * A daemon without a port is healthy once it has stayed alive this long: long enough to catch a
   * command that is not found or exits at once, short enough not to slow a stack's start (ADR 21).
   */
  static final Duration SETTLE = Duration.ofMillis(300);

  /**
   * Every process this JVM started as a launch root: the JDK's reaper collects their exit status,
   * so a subreaper must never reap them itself.
   */
  public static final Set<Long> SPAWNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  /** The environment words that tie a process to a launch or a stack. */
  private static final List<String> INHERITED_COOKIES =
      List.of(
          ProcessView.LAUNCH_COOKIE, "KITTY_FAMILY", "KITTY_SERVICE", "KITTY_STACK", "KITTY_TOKEN");

  private static final Path[] SETSID = {Path.of("/usr/bin/setsid"), Path.of("/bin/setsid")};

  private final Platform platform;
  private final StateStore store;
  private final SignalGate gate;

  /** A launcher writing logs under {@code store}, cleaning failed starts through {@code gate}. */
  public Launcher(Platform platform, StateStore store, SignalGate gate) {
    this.platform = platform;
    this.store = store;
    this.gate = gate;
  }

  /**
   * Starts {@code family}'s daemon on {@code port} and waits for its health.
   *
   * @param record the file the caller will keep the launch's record in ({@code {record}})
   * @param env extra environment for the daemon
   * @throws KittyException.Failed when it exits early or is not healthy in time (its process is
   *     stopped), with the reason and the last lines of its log
   */
  public Launched launch(
      FamilyInfo family,
      LaunchSpec spec,
      int port,
      String scope,
      Path record,
      Map<String, String> env) {
    return launch(
        family,
        spec,
        port,
        scope,
        record,
        env,
        UUID.randomUUID().toString(),
        null,
        Confinement.NONE,
        (l, t, c) -> {});
  }

  /** What the caller records before the process exists. */
  public interface Intent {
    /**
     * Called once the launch's cookie, floor and cgroup ({@code cell}, null without containment)
     * are known and before anything is spawned; a failure here aborts the launch with nothing
     * started.
     */
    void beforeSpawn(String launchId, long notBeforeTicks, Cell cell);
  }

  /**
   * As above, for a launch whose cookie the caller chose, run in {@code cwd} (null: kitty's own),
   * in a cell placed and limited as {@code confinement} says, with {@code intent} told before the
   * spawn.
   *
   * @throws KittyException.Failed also when the kernel refuses one of the limits
   */
  public Launched launch(
      FamilyInfo family,
      LaunchSpec spec,
      int port,
      String scope,
      Path record,
      Map<String, String> env,
      String launchId,
      Path cwd,
      Confinement confinement,
      Intent intent) {
    byte[] secret = new byte[16];
    RANDOM.nextBytes(secret);
    String token = HexFormat.of().formatHex(secret);
    List<String> command = command(family, spec, port, scope, store.dir(), record);
    Path log = store.logsDir().resolve(family.id() + "-" + launchId + ".log");
    List<String> argv = new ArrayList<>();
    if (platform.os() == Platform.Os.LINUX) {
      for (Path s : SETSID) {
        if (Files.isExecutable(s)) {
          // Not a group leader (the JDK's child is in the JVM's group), so setsid execs in place:
          // the pid kitty records is the daemon's own.
          argv.add(s.toString());
          break;
        }
      }
    }
    Cell cell = cellFor(family, launchId, confinement);
    if (cell != null) {
      argv.addAll(platform.containment().enter(cell));
    }
    if (spec.shell()) {
      boolean windows = File.separatorChar == '\\';
      argv.addAll(windows ? List.of("cmd.exe", "/c") : List.of("sh", "-c"));
      argv.add(String.join(" ", command));
    } else {
      argv.addAll(command);
    }
    ProcessBuilder pb = new ProcessBuilder(argv);
    if (cwd != null) {
      pb.directory(cwd.toFile());
    }
    // The launch's identity is its own: cookies kitty inherited (it runs inside a stack service or
    // another launch) are dropped, or the new daemon would pass for a member of that one and a
    // `down` of the stack would find it (ADR 19 addendum).
    INHERITED_COOKIES.forEach(pb.environment()::remove);
    pb.environment().putAll(env);
    pb.environment().put(ProcessView.LAUNCH_COOKIE, launchId);
    pb.environment().put("KITTY_FAMILY", family.id());
    pb.environment().put("KITTY_TOKEN", token);
    if (port > 0) {
      pb.environment().put("PORT", Integer.toString(port));
    }
    pb.redirectInput(
        ProcessBuilder.Redirect.from(new File(File.separatorChar == '\\' ? "NUL" : "/dev/null")));
    // Interrupted (Ctrl-C, SIGTERM) at any moment before the daemon is healthy and recorded: stop
    // it, so an interrupted start never leaves an orphan. The hook is in place before
    // the process exists; if the interrupt comes while it is being started, the hook waits for it.
    java.util.concurrent.CompletableFuture<Process> started =
        new java.util.concurrent.CompletableFuture<>();
    Thread onInterrupt =
        new Thread(
            () -> {
              try {
                stopFailedStart(
                    family, started.get(5, java.util.concurrent.TimeUnit.SECONDS), launchId);
                endCell(family, launchId, cell);
              } catch (Exception notStarted) {
                // Nothing was started, or it could not be: nothing to stop.
              }
            },
            "kitty-launch-abort");
    Runtime.getRuntime().addShutdownHook(onInterrupt);
    Process process;
    try {
      Files.createDirectories(log.getParent());
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.redirectErrorStream(true);
      long floor =
          platform
              .processes()
              .node(ProcessHandle.current().pid())
              .map(ProcessNode::startTicks)
              .orElse(-1L);
      gate.admitLaunch(launchId, family.id(), floor);
      intent.beforeSpawn(launchId, floor, cell);
      CrashPoints.reach("launch.intent-recorded");
      process =
          cell == null ? null : platform.containment().spawn(pb, cell, confinement).orElse(null);
      if (process == null) {
        process = pb.start();
      }
      SPAWNED.add(process.pid());
      started.complete(process);
      CrashPoints.reach("launch.spawned");
    } catch (IOException | RuntimeException e) {
      started.completeExceptionally(e);
      removeHook(onInterrupt);
      endCell(family, launchId, cell);
      if (e instanceof KittyException k) {
        throw k;
      }
      throw new KittyException.Failed(
          "cannot start " + family.id() + " daemon " + argv + ": " + e.getMessage());
    }
    try {
      return awaitHealthy(family, spec, port, scope, process, launchId, token, command, log, cell);
    } catch (KittyException.Failed failed) {
      // Read before the cell goes: a limit the kernel enforced may be why it never became healthy.
      String refused = cell == null ? "" : refusedForks(platform.containment().usage(cell));
      // The root is stopped; whatever it started is the launch's too and goes with it.
      stopFailedStart(family, process, launchId);
      endCell(family, launchId, cell);
      throw refused.isEmpty() ? failed : new KittyException.Failed(failed.getMessage() + refused);
    } finally {
      removeHook(onInterrupt);
    }
  }

  /**
   * The cgroup a launch runs in: made now, before anything is spawned, where the platform contains
   * launches; null where it does not, or when the cell cannot be made (the launch is then tracked
   * by its session and cookie, as without containment, and the log says why). A launch with limits
   * the kernel refuses does not start: running it unlimited would hide what was asked (ADR 30).
   */
  private Cell cellFor(FamilyInfo family, String launchId, Confinement confinement) {
    if (!platform.containment().active()) {
      return null;
    }
    try {
      return platform.containment().create(store.cellKey(), launchId, confinement).orElse(null);
    } catch (java.io.UncheckedIOException | IllegalArgumentException e) {
      String why = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
      if (confinement.groupLimits().any() || confinement.limits().any()) {
        throw new KittyException.Failed(
            "cannot limit " + family.id() + " launch " + launchId + ": " + why);
      }
      LOG.warn(
          "{} launch {}: no cgroup ({}); tracked by session and cookie",
          family.id(),
          launchId,
          e.getMessage());
      return null;
    }
  }

  /**
   * Ends whatever is left in the cell of a start that failed (a descendant that left the session
   * and dropped the cookie is still inside) and removes the cell; through the gate.
   */
  private void endCell(FamilyInfo family, String launchId, Cell cell) {
    if (cell == null) {
      return;
    }
    if (platform.containment().populated(cell)
        && gate.killCell(family.id(), launchId, cell).sent()) {
      platform.containment().awaitEmpty(cell, Duration.ofSeconds(2));
    }
    platform.containment().remove(cell);
  }

  /** Why the kernel may have kept a launch from starting (ADR 30), or "". */
  static String refusedForks(dev.kitty.engine.model.CgroupUsage u) {
    if (u.refusedForks() <= 0) {
      return "";
    }
    return "; the kernel refused "
        + u.refusedForks()
        + " fork(s) or new thread(s) at "
        + (u.maxTasks() > 0 ? "its limit of " + u.maxTasks() + " tasks" : "its stack's limit")
        + " (max_processes is pids.max, which counts every thread: a node process has about 7)";
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is already exiting: the hook runs.
    }
  }

  private Launched awaitHealthy(
      FamilyInfo family,
      LaunchSpec spec,
      int port,
      String scope,
      Process process,
      String launchId,
      String token,
      List<String> command,
      Path log,
      Cell cell) {
    long started = System.nanoTime();
    long deadline = started + spec.startTimeout().toNanos();
    String lastProblem = "no answer yet";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        // Also when the process was a wrapper that put the server in the background and exited:
        // kitty's root must stay (ADR 19); stopFailedStart then stops what carries the cookie.
        throw new KittyException.Failed(
            family.id()
                + " daemon pid "
                + process.pid()
                + " exited with status "
                + process.exitValue()
                + " before it was healthy"
                + tail(log));
      }
      String problem =
          port > 0
              ? unhealthy(spec, port)
              : System.nanoTime() - started < SETTLE.toNanos()
                  ? "it has not been alive for " + SETTLE.toMillis() + " ms yet"
                  : null;
      if (problem == null) {
        ProcessNode node = platform.processes().node(process.pid()).orElse(null);
        Instant start =
            platform.processes().view(process.pid()).map(ProcessView::startTime).orElse(null);
        if (node != null) {
          return new Launched(scope, node, start, port, launchId, token, command, log, cell);
        }
        lastProblem = "its process is not visible";
      } else {
        lastProblem = problem;
      }
      sleep(40);
    }
    throw new KittyException.Failed(
        family.id()
            + " daemon pid "
            + process.pid()
            + " was not healthy within "
            + spec.startTimeout().toSeconds()
            + " s ("
            + lastProblem
            + "); it was stopped"
            + tail(log));
  }

  /** Why the daemon is not healthy yet, or null when it is. */
  private static String unhealthy(LaunchSpec spec, int port) {
    if (spec.healthPath() == null) {
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 200);
        return null;
      } catch (IOException e) {
        return "port " + port + " does not accept connections";
      }
    }
    HttpAnswer a = LoopbackHttp.get("127.0.0.1", port, spec.healthPath(), Duration.ofMillis(500));
    if (a.error() != null) {
      return "health: " + a.error();
    }
    return a.status() / 100 == 2 ? null : "health answered HTTP " + a.status();
  }

  private void stopFailedStart(FamilyInfo family, Process process) {
    long ticks = platform.processes().node(process.pid()).map(ProcessNode::startTicks).orElse(-1L);
    SignalGate.Target t = new SignalGate.Target(process.pid(), ticks, family.id());
    gate.signal(t, dev.kitty.engine.internal.signal.Sig.TERM);
    try {
      if (!process.waitFor(2, java.util.concurrent.TimeUnit.SECONDS)) {
        gate.signal(t, dev.kitty.engine.internal.signal.Sig.KILL);
        process.waitFor(2, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The root first (as before), then every other process that carries the launch's cookie: a
   * shell-wrapped start that failed must not leave the wrapper's children behind. They never became
   * healthy, so there is nothing to save: TERM, and KILL whatever is left after 2 s.
   */
  private void stopFailedStart(FamilyInfo family, Process process, String launchId) {
    stopFailedStart(family, process);
    stopCarriers(family, launchId);
  }

  /**
   * Stops a launch that became healthy but could not be recorded (a full state disk): nothing may
   * run that no record names. Every process carrying its cookie gets TERM, then KILL.
   */
  public void abandon(FamilyInfo family, Launched launched) {
    stopCarriers(family, launched.launchId());
    endCell(family, launched.launchId(), launched.cell());
  }

  private void stopCarriers(FamilyInfo family, String launchId) {
    long floor = -1;
    for (int round = 0; round < 3; round++) {
      List<ProcessView> left = LaunchMembers.find(platform.processes(), launchId, floor, -1, -1);
      if (left.isEmpty()) {
        return;
      }
      List<SignalGate.Target> targets =
          left.stream()
              .map(v -> new SignalGate.Target(v.pid(), v.startTicks(), family.id()))
              .toList();
      dev.kitty.engine.internal.signal.Sig sig =
          round == 0
              ? dev.kitty.engine.internal.signal.Sig.TERM
              : dev.kitty.engine.internal.signal.Sig.KILL;
      targets.forEach(x -> gate.signal(x, sig));
      long end = System.nanoTime() + 2_000_000_000L;
      while (System.nanoTime() < end
          && targets.stream()
              .anyMatch(
                  x ->
                      platform
                          .processes()
                          .node(x.pid())
                          .filter(n -> !n.zombie() && n.startTicks() == x.startTicks())
                          .isPresent())) {
        sleep(20);
      }
    }
  }

  /** The spec's command with its placeholders filled in. */
  static List<String> command(
      FamilyInfo family, LaunchSpec spec, int port, String scope, Path stateDir, Path record) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> out = new ArrayList<>();
    String modulePath = null;
    for (String word : spec.command()) {
      if (word.contains("{module_path}") && modulePath == null) {
        modulePath = modulePath(family.family().getClass().getModule());
      }
      if (word.equals("{module_path}")
          && modulePath.isEmpty()
          && !out.isEmpty()
          && (out.getLast().equals("--module-path") || out.getLast().equals("-p"))) {
        // Every module is inside the runtime image (the jlink distribution): its java finds the
        // family's module without a path, and an empty one is an error ("--module-path requires
        // module path specification").
        out.removeLast();
        continue;
      }
      out.add(
          word.replace("{port}", Integer.toString(port))
              .replace("{java}", java)
              .replace("{module_path}", modulePath == null ? "" : modulePath)
              .replace("{state_dir}", stateDir.toString())
              .replace("{record}", record.toString())
              .replace("{scope}", scope == null ? "" : scope));
    }
    return out;
  }

  /**
   * The module path holding {@code module} and every module it reads, transitively, except the
   * JDK's own: enough to run a main class of the family's module in a JVM of its own, whether the
   * family is built in or came from a drop-in jar in a layer of its own.
   */
  static String modulePath(Module module) {
    if (module.getLayer() == null) {
      throw new KittyException.Failed(
          "family module " + module + " is not on the module path: cannot launch its daemon");
    }
    Set<String> paths = new LinkedHashSet<>();
    Deque<ResolvedModule> todo = new ArrayDeque<>();
    module.getLayer().configuration().findModule(module.getName()).ifPresent(todo::add);
    Set<String> seen = new java.util.HashSet<>();
    while (!todo.isEmpty()) {
      ResolvedModule m = todo.removeFirst();
      if (!seen.add(m.name())) {
        continue;
      }
      m.reference()
          .location()
          .filter(uri -> "file".equals(uri.getScheme()))
          .ifPresent(uri -> paths.add(Path.of(uri).toString()));
      todo.addAll(m.reads());
    }
    return String.join(File.pathSeparator, paths);
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      if (lines.isEmpty()) {
        return " (its log " + log + " is empty)";
      }
      return "; last lines of "
          + log
          + ":\n  "
          + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return " (its log " + log + " cannot be read)";
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
