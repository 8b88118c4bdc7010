package dev.kitty.engine;

import dev.kitty.api.CleanupClass;
import dev.kitty.api.Family;
import dev.kitty.api.Identity;
import dev.kitty.api.IdentitySource;
import dev.kitty.api.ListenerView;
import dev.kitty.api.PortRange;
import dev.kitty.api.ProbeContext;
import dev.kitty.api.ProcessView;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.registry.FamilyRegistry;
import dev.kitty.engine.model.Candidate;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.KittyOptions;
import dev.kitty.testkit.RecordingSignaller;
import dev.kitty.testkit.TestWorld;
import dev.kitty.testkit.WorldPlatform;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An in-memory machine for the safety properties: processes, listeners, families whose probes
 * recognise their own fixture daemons by a command-line word, and a signaller that records every
 * signal and lets TERM/KILL end the process: the testkit's {@link TestWorld} with the fixture
 * families and a world that changes between the scan and the first signal. Nothing here touches a
 * real process.
 */
final class World extends TestWorld {

  static final int UID = TestWorld.UID;

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

  /** Every signal goes here. */
  final RecordingSignaller signals = new RecordingSignaller(this);

  /**
   * Listeners that appear once the stop phase begins, between the scan and the first signal: a
   * process that starts listening in another family's range after it was classified.
   */
  final Map<Long, Integer> lateListeners = new java.util.LinkedHashMap<>();

  final List<FamilyInfo> families = new ArrayList<>();
  final List<RecordingSignaller.Sent> sent = signals.sent;

  /** Pids whose process is replaced by another one (new start time) once the stop phase begins. */
  final Set<Long> reuseAfterScan = new HashSet<>();

  final Set<Long> ignoresSignals = signals.ignoresSignals;

  /**
   * Pids whose signals fail with EPERM (another user's process as far as the kernel is concerned).
   */
  final Set<Long> refusesWithEperm = signals.refusesWithEperm;

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

  @Override
  public World process(long pid, long ppid, int uid, String... args) {
    super.process(pid, ppid, uid, args);
    return this;
  }

  /**
   * A process of kitty's user carrying {@code launchId} as its launch cookie, started at {@code
   * start}.
   */
  World launched(long pid, String launchId, Instant start) {
    processes.put(
        pid,
        view(
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
            Map.of(ProcessView.LAUNCH_COOKIE, launchId)));
    return this;
  }

  /**
   * A process of kitty's user in session {@code sid}, started at stamp {@code startTicks}, carrying
   * {@code launchId} as its cookie (null: none).
   */
  World inSession(long pid, long ppid, long sid, long startTicks, String launchId, String arg) {
    processes.put(
        pid,
        view(
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
            launchId == null ? Map.of() : Map.of(ProcessView.LAUNCH_COOKIE, launchId)));
    return this;
  }

  @Override
  public World listener(int port, Long... holders) {
    super.listener(port, holders);
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

  @Override
  public void beforeSingleLookup() {
    beginStopPhase();
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

  @Override
  public Optional<ProcessView> current(long pid) {
    if (stopPhase && reuseAfterScan.contains(pid) && processes.containsKey(pid)) {
      ProcessView old = processes.get(pid);
      // The pid now names a different process: same number, later start time, not ours.
      processes.put(
          pid,
          view(
              pid,
              1,
              pid,
              pid,
              old.uid(),
              old.user(),
              old.startTicks() + 7,
              Instant.EPOCH,
              "reused",
              List.of("reused"),
              Map.of()));
      reuseAfterScan.remove(pid);
    }
    return Optional.ofNullable(processes.get(pid));
  }

  Platform platform() {
    return WorldPlatform.of(this, "world");
  }

  RecordingSignaller signaller() {
    return signals;
  }

  /** The family whose range holds {@code port}, if any. */
  Optional<FamilyInfo> owning(int port) {
    return families.stream().filter(f -> f.range().contains(port)).findFirst();
  }

  static boolean stoppable(Candidate c) {
    return c.cleanupClass() != CleanupClass.NEVER_TOUCH;
  }
}
