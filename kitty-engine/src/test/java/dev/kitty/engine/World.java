package dev.kitty.engine;

import dev.kitty.api.CleanupClass;
import dev.kitty.api.Family;
import dev.kitty.api.Identity;
import dev.kitty.api.IdentitySource;
import dev.kitty.api.ListenerView;
import dev.kitty.api.PortRange;
import dev.kitty.api.ProbeContext;
import dev.kitty.api.ProcessView;
import dev.kitty.engine.internal.discovery.ListenerScanner;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.discovery.ProcessNode;
import dev.kitty.engine.internal.discovery.ProcessTable;
import dev.kitty.engine.internal.registry.FamilyRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

/**
 * An in-memory machine for the safety properties: processes, listeners, families whose probes
 * recognise their own fixture daemons by a command-line word, and a signaller that records every
 * signal and lets TERM/KILL end the process. Nothing here touches a real process.
 */
final class World {

  static final int UID = 1000;

  /**
   * A family that claims processes whose argv[0] is "own:ID" (operator) or "stale:ID" (safe_auto).
   */
  record FixtureFamily(String id, PortRange defaultRange, dev.kitty.api.StopPlan plan)
      implements Family {
    @Override
    public String description() {
      return "fixture family " + id;
    }

    @Override
    public dev.kitty.api.StopPlan stopPlan() {
      return plan;
    }

    @Override
    public Identity identify(ProbeContext ctx) {
      var p = ctx.process();
      if (p.isEmpty()) {
        return Identity.neverTouch("no process");
      }
      String a0 = p.get().args().isEmpty() ? "" : p.get().args().getFirst();
      if (a0.equals("stale:" + id)) {
        return Identity.safeAuto(IdentitySource.PROCESS_SHAPE, Map.of());
      }
      if (a0.equals("own:" + id)) {
        return Identity.operatorRequired(
            IdentitySource.PROCESS_SHAPE, "fixture daemon of " + id, Map.of());
      }
      return Identity.neverTouch("third party");
    }
  }

  /** One recorded signal: the process as it was when the signal was sent. */
  record Sent(long pid, long startTicks, dev.kitty.engine.internal.signal.Sig sig) {}

  final Map<Long, ProcessView> processes = new ConcurrentHashMap<>();
  final List<ListenerView> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * Listeners that appear once the stop phase begins, between the scan and the first signal: a
   * process that starts listening in another family's range after it was classified.
   */
  final Map<Long, Integer> lateListeners = new java.util.LinkedHashMap<>();

  final List<FamilyInfo> families = new ArrayList<>();
  final List<Sent> sent = java.util.Collections.synchronizedList(new ArrayList<>());

  /** Pids whose process is replaced by another one (new start time) once the stop phase begins. */
  final Set<Long> reuseAfterScan = new HashSet<>();

  final Set<Long> ignoresSignals = new HashSet<>();

  /**
   * Pids whose signals fail with EPERM (another user's process as far as the kernel is concerned).
   */
  final Set<Long> refusesWithEperm = new HashSet<>();

  private volatile boolean stopPhase;

  /** The default plan's shape with short waits: fixture processes end at once or never. */
  static final dev.kitty.api.StopPlan TREE_PLAN =
      dev.kitty.api.StopPlan.tree(java.time.Duration.ofMillis(30), java.time.Duration.ofMillis(30));

  /**
   * The sync family's plan shape (HTTP shutdown with the record's token, then the process alone),
   * short waits.
   */
  static final dev.kitty.api.StopPlan SYNC_PLAN =
      dev.kitty.api.StopPlan.httpFirst(
          dev.kitty.api.StopStep.TokenSource.LAUNCH_RECORD,
          dev.kitty.api.StopStep.Reach.PROCESS,
          Duration.ofMillis(30),
          Duration.ofMillis(30));

  World family(String id, int from, int to) {
    return family(id, from, to, TREE_PLAN);
  }

  World family(String id, int from, int to, dev.kitty.api.StopPlan plan) {
    PortRange r = new PortRange(from, to);
    families.add(new FamilyInfo(new FixtureFamily(id, r, plan), r, "test." + id, "builtin", "1"));
    return this;
  }

  World process(long pid, long ppid, int uid, String... args) {
    processes.put(pid, view(pid, ppid, uid, pid * 10, args));
    return this;
  }

  /**
   * A process of kitty's user carrying {@code launchId} as its launch cookie, started at {@code
   * start}.
   */
  World launched(long pid, String launchId, Instant start) {
    processes.put(
        pid,
        new ProcessView(
            pid,
            1,
            pid,
            pid,
            UID,
            "u" + UID,
            pid * 10,
            start,
            "daemon",
            List.of("daemon"),
            null,
            null,
            1,
            "S",
            Map.of(ProcessView.LAUNCH_COOKIE, launchId),
            true));
    return this;
  }

  /**
   * A process of kitty's user in session {@code sid}, started at stamp {@code startTicks}, carrying
   * {@code launchId} as its cookie (null: none).
   */
  World inSession(long pid, long ppid, long sid, long startTicks, String launchId, String arg) {
    processes.put(
        pid,
        new ProcessView(
            pid,
            ppid,
            sid,
            sid,
            UID,
            "u" + UID,
            startTicks,
            Instant.EPOCH,
            arg,
            List.of(arg),
            null,
            null,
            1,
            "S",
            launchId == null ? Map.of() : Map.of(ProcessView.LAUNCH_COOKIE, launchId),
            true));
    return this;
  }

  private static ProcessView view(long pid, long ppid, int uid, long start, String... args) {
    return new ProcessView(
        pid,
        ppid,
        pid,
        pid,
        uid,
        "u" + uid,
        start,
        Instant.EPOCH,
        args.length == 0 ? "x" : args[0],
        List.of(args),
        null,
        null,
        1,
        "S",
        Map.of(),
        true);
  }

  World listener(int port, Long... holders) {
    listeners.add(
        new ListenerView("127.0.0.1", port, false, listeners.size() + 1, List.of(holders)));
    return this;
  }

  Kitty kitty() {
    return kitty(signaller());
  }

  /** A kitty over this world whose signals go through {@code signaller}. */
  Kitty kitty(dev.kitty.engine.internal.signal.Signaller signaller) {
    KittyOptions options =
        new KittyOptions(
            Path.of("/nonexistent-kitty-state"),
            List.of(),
            Path.of("/nonexistent"),
            false,
            Duration.ofSeconds(5),
            Duration.ofMillis(50),
            false,
            Duration.ZERO);
    return Kitty.of(options, platform(), new FamilyRegistry(families, List.of()), signaller);
  }

  private synchronized void beginStopPhase() {
    if (!stopPhase) {
      stopPhase = true;
      lateListeners.forEach(
          (pid, port) ->
              listeners.add(
                  new ListenerView("127.0.0.1", port, false, 10_000 + pid, List.of(pid))));
    }
  }

  private Optional<ProcessView> current(long pid) {
    if (stopPhase && reuseAfterScan.contains(pid) && processes.containsKey(pid)) {
      ProcessView old = processes.get(pid);
      // The pid now names a different process: same number, later start time, not ours.
      processes.put(pid, view(pid, 1, old.uid(), old.startTicks() + 7, "reused"));
      reuseAfterScan.remove(pid);
    }
    return Optional.ofNullable(processes.get(pid));
  }

  Platform platform() {
    ProcessTable table =
        new ProcessTable() {
          @Override
          public Map<Long, ProcessNode> nodes() {
            Map<Long, ProcessNode> out = new LinkedHashMap<>();
            for (long pid : new ArrayList<>(processes.keySet())) {
              current(pid).ifPresent(p -> out.put(pid, toNode(p)));
            }
            return out;
          }

          @Override
          public Optional<ProcessNode> node(long pid) {
            // Only the gate and the stop executor poll single nodes: the stop phase has begun.
            beginStopPhase();
            return current(pid).map(World::toNode);
          }

          @Override
          public Optional<ProcessView> view(long pid) {
            return current(pid);
          }

          @Override
          public int currentUid() {
            return UID;
          }
        };
    ListenerScanner scanner =
        (IntPredicate ports) -> {
          List<ListenerView> out = new ArrayList<>();
          for (ListenerView l : listeners) {
            List<Long> alive = l.holderPids().stream().filter(processes::containsKey).toList();
            if (!alive.isEmpty() && ports.test(l.port())) {
              out.add(l.withHolders(alive));
            }
          }
          return out;
        };
    return new Platform("world", Platform.Os.OTHER, table, scanner);
  }

  static ProcessNode toNode(ProcessView p) {
    return new ProcessNode(p.pid(), p.ppid(), p.pgid(), p.startTicks(), p.state(), p.command());
  }

  dev.kitty.engine.internal.signal.Signaller signaller() {
    return new dev.kitty.engine.internal.signal.Signaller() {
      @Override
      public String name() {
        return "recording";
      }

      @Override
      public boolean canFreeze() {
        return true;
      }

      @Override
      public String send(
          long pid, long startTicks, dev.kitty.engine.internal.signal.Sig sig, Platform platform) {
        ProcessView p = processes.get(pid);
        if (p == null) {
          return "gone";
        }
        if (refusesWithEperm.contains(pid)) {
          return "EPERM: operation not permitted";
        }
        sent.add(new Sent(pid, p.startTicks(), sig));
        if ((sig == dev.kitty.engine.internal.signal.Sig.TERM
                || sig == dev.kitty.engine.internal.signal.Sig.KILL)
            && !ignoresSignals.contains(pid)) {
          processes.remove(pid);
        }
        return null;
      }

      @Override
      public String sendGroup(long pgid, dev.kitty.engine.internal.signal.Sig sig) {
        for (ProcessView p : new ArrayList<>(processes.values())) {
          if (p.pgid() == pgid) {
            send(p.pid(), p.startTicks(), sig, null);
          }
        }
        return null;
      }
    };
  }

  /** The family whose range holds {@code port}, if any. */
  Optional<FamilyInfo> owning(int port) {
    return families.stream().filter(f -> f.range().contains(port)).findFirst();
  }

  static boolean stoppable(Candidate c) {
    return c.cleanupClass() != CleanupClass.NEVER_TOUCH;
  }
}
