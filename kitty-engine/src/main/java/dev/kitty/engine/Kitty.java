package dev.kitty.engine;

import dev.kitty.api.CleanupClass;
import dev.kitty.api.JsonText;
import dev.kitty.api.LaunchSpec;
import dev.kitty.api.ListenerView;
import dev.kitty.api.ProcessView;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.discovery.ProcessNode;
import dev.kitty.engine.internal.discovery.ProcessSnapshot;
import dev.kitty.engine.internal.identity.Classifier;
import dev.kitty.engine.internal.identity.VerdictCache;
import dev.kitty.engine.internal.launch.Launcher;
import dev.kitty.engine.internal.registry.FamilyLoader;
import dev.kitty.engine.internal.registry.FamilyRegistry;
import dev.kitty.engine.internal.registry.KittyConfig;
import dev.kitty.engine.internal.signal.AuditLog;
import dev.kitty.engine.internal.signal.SignalGate;
import dev.kitty.engine.internal.signal.StopExecutor;
import dev.kitty.engine.internal.state.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The engine's facade: everything a front end (the CLI, the shell, a daemon) asks of kitty. One
 * instance per set of options; families are loaded when it is opened, the platform backend is
 * chosen once.
 *
 * <p>Stability: experimental.
 */
public final class Kitty {

  private final KittyOptions options;
  private final Platform platform;
  private final FamilyRegistry registry;
  private dev.kitty.engine.internal.signal.Signaller signaller;
  private final VerdictCache verdicts;
  private final Map<String, String> environment;

  private Kitty(
      KittyOptions options,
      Platform platform,
      FamilyRegistry registry,
      Map<String, String> configEnvironment) {
    this.options = options;
    this.platform = platform;
    this.registry = registry;
    this.verdicts = new VerdictCache(options.verdictTtl());
    Map<String, String> env = new java.util.HashMap<>(options.environment());
    env.putAll(configEnvironment);
    this.environment = Map.copyOf(env);
  }

  /**
   * Loads the config and the families, and picks the platform backend.
   *
   * @throws KittyException.BadInput when the config file is malformed
   */
  public static Kitty open(KittyOptions options) {
    return open(options, Platform.detect());
  }

  /** A kitty over a given world: tests run the real paths on fake platforms and signallers. */
  static Kitty of(
      KittyOptions options,
      Platform platform,
      FamilyRegistry registry,
      dev.kitty.engine.internal.signal.Signaller signaller) {
    Kitty k = new Kitty(options, platform, registry, Map.of());
    k.signaller = signaller;
    return k;
  }

  static Kitty open(KittyOptions options, Platform platform) {
    // Before anything is read from it: a state dir someone else can write holds records nobody
    // can trust (ADR 25).
    new StateStore(options.stateDir()).verifyTrusted(platform.processes().currentUid());
    KittyConfig config = KittyConfig.read(options.configFile(), options.configRequired());
    return new Kitty(
        options, platform, FamilyLoader.load(options.familyPaths(), config), config.environment());
  }

  private final java.util.concurrent.atomic.AtomicInteger auditLost =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile String auditLostWhy;

  private void auditLost(String why) {
    auditLostWhy = why;
    auditLost.incrementAndGet();
  }

  /**
   * Why gate decisions since the last call left no line in the audit log, if any did: the command
   * that made them has failed (exit 1) even when everything else went well.
   */
  public Optional<String> takeAuditProblem() {
    int lost = auditLost.getAndSet(0);
    return lost == 0
        ? Optional.empty()
        : Optional.of(
            auditLostWhy + ": " + lost + " decision" + (lost == 1 ? "" : "s") + " not recorded");
  }

  /** The options this instance runs with. */
  public KittyOptions options() {
    return options;
  }

  /** The platform backend's name. */
  public String platformName() {
    return platform.name();
  }

  /**
   * The operating system, as the platform decided it once: {@code linux}, {@code windows}, {@code
   * macos} or {@code other} (the shell opens a browser by it).
   */
  public String osFamily() {
    return platform.os().name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The accepted families, built-ins first. */
  public List<FamilyInfo> families() {
    return registry.families();
  }

  /** The refused families, jars and overrides. */
  public List<Rejection> rejected() {
    return registry.rejected();
  }

  /**
   * The families named, in the order given (all, in registry order, when none is named).
   *
   * @throws KittyException.Usage for an unknown id, listing the known ones
   */
  public List<FamilyInfo> select(List<String> ids) {
    if (ids == null || ids.isEmpty()) {
      return families();
    }
    Set<FamilyInfo> out = new LinkedHashSet<>();
    for (String id : ids) {
      Optional<FamilyInfo> f = registry.find(id);
      if (f.isEmpty()) {
        String rejectedNote =
            rejected().stream()
                .filter(r -> id.equals(r.id()))
                .findFirst()
                .map(r -> " (it was rejected: " + r.reason() + ")")
                .orElse("");
        throw new KittyException.Usage(
            "unknown family \""
                + id
                + "\""
                + rejectedNote
                + "; known: "
                + String.join(", ", families().stream().map(FamilyInfo::id).toList()));
      }
      out.add(f.get());
    }
    return List.copyOf(out);
  }

  private Classifier classifier() {
    return new Classifier(
            platform,
            registry,
            options.stateDir().toString(),
            options.probeTimeout(),
            options.httpTimeout(),
            options.allUsers(),
            verdicts)
        .withEnvironment(environment);
  }

  /** How this machine delivers signals (chosen once, on first need). */
  public synchronized String signallerName() {
    return signaller().name();
  }

  /** A gate for one command: its signaller is made on first need, its decisions audited. */
  private SignalGate gate() {
    return new SignalGate(
        platform,
        registry,
        this::signaller,
        new AuditLog(options.stateDir(), this::auditLost),
        options.allUsers());
  }

  /** The signaller's name once one was needed; null while nothing was signalled. */
  private synchronized String signallerUsed() {
    return signaller == null ? null : signaller.name();
  }

  private synchronized dev.kitty.engine.internal.signal.Signaller signaller() {
    if (signaller == null) {
      signaller = dev.kitty.engine.internal.signal.Signaller.forPlatform(platform);
    }
    return signaller;
  }

  /** Scans the named families (all when none is named). */
  public ScanReport scan(List<String> ids) {
    return classifier().scan(select(ids));
  }

  /** The scan plus records, ghost sockets and remediation. Read-only. */
  public DoctorReport doctor(List<String> ids) {
    List<FamilyInfo> scope = select(ids);
    Classifier classifier = classifier();
    List<ListenerView> listeners = classifier.listenersInRanges();
    ProcessSnapshot snapshot = new ProcessSnapshot(platform.processes());
    ScanReport scan = classifier.classify(scope, listeners, snapshot);
    // The project kitty runs in: what its families' record files there say (a stale
    // .kittify/.dashboard whose pid is now an unrelated process, for one) is reported, never acted
    // on (ADR 26).
    Path here = Path.of("").toAbsolutePath();
    if (Files.isDirectory(here.resolve(".kittify"))) {
      List<String> warnings = new ArrayList<>(scan.warnings());
      for (FamilyInfo f : scope) {
        if (f.family().launchSpec().isPresent()) {
          warnings.addAll(f.family().recordNotes(here.toString()));
        }
      }
      scan = new ScanReport(scan.families(), warnings);
    }
    List<GhostSocket> ghosts = ghosts(snapshot, scan);
    List<String> remediation = new ArrayList<>();
    for (FamilyScan fs : scan.families()) {
      boolean operator =
          fs.candidates().stream()
              .anyMatch(c -> c.needsAction() && c.cleanupClass() == CleanupClass.OPERATOR_REQUIRED);
      boolean auto =
          fs.candidates().stream()
              .anyMatch(c -> c.needsAction() && c.cleanupClass() == CleanupClass.SAFE_AUTO);
      if (operator) {
        remediation.add("kitty doctor " + fs.family().id() + " --reset");
      } else if (auto) {
        remediation.add("kitty cleanup " + fs.family().id());
      }
    }
    List<String> runaway = new ArrayList<>();
    for (RunawayFinding f : watch().check(ids, false, false, StopProgress.NONE)) {
      runaway.add(
          f.family()
              + ": "
              + String.join(", ", f.fired())
              + " in its launches"
              + (f.unattributed().isEmpty()
                  ? ""
                  : " (" + f.unattributed().size() + " more claim the family without a launch)"));
      remediation.add("kitty watch " + f.family() + " --once --auto-clean");
    }
    List<String> launchWarnings = new ArrayList<>();
    List<LaunchStatus> launches = launches().status(ids, launchWarnings);
    launches.stream().map(LaunchStatus::remedy).filter(Objects::nonNull).forEach(remediation::add);
    List<ProcessTreeReport> trees = new ArrayList<>();
    scan.candidates()
        .filter(c -> c.identity().recorded() && c.pid() != null)
        .forEach(
            c -> {
              try {
                trees.add(tree(c.pid(), true));
              } catch (KittyException.Usage goneSinceTheScan) {
                // Nothing to draw.
              }
            });
    return new DoctorReport(
        scan,
        new StateStore(options.stateDir()).records(),
        ghosts,
        runaway,
        remediation,
        platform.name(),
        signallerName(),
        trees,
        launches);
  }

  /** Ghost sockets in the named families' ranges: listening sockets held by several processes. */
  public List<GhostSocket> ghosts(List<String> ids) {
    List<FamilyInfo> scope = select(ids);
    Classifier classifier = classifier();
    ProcessSnapshot snapshot = new ProcessSnapshot(platform.processes());
    return ghosts(snapshot, classifier.classify(scope, classifier.listenersInRanges(), snapshot));
  }

  /**
   * Two kinds: a socket held by several processes (children inherited it), and a socket still
   * listening although the owner its family has on record ({@code recorded_pid}) is gone.
   */
  private static List<GhostSocket> ghosts(ProcessSnapshot snapshot, ScanReport scan) {
    List<GhostSocket> ghosts = new ArrayList<>();
    scan.candidates()
        .forEach(
            c -> {
              List<Long> holders = c.listener().holderPids();
              if (holders.size() > 1) {
                Long owner = snapshot.owner(holders).orElse(null);
                List<Long> inheritors = holders.stream().filter(p -> !p.equals(owner)).toList();
                ghosts.add(
                    new GhostSocket(
                        c.daemonFamily(),
                        c.port(),
                        c.listener().address(),
                        owner,
                        holders,
                        "listening socket held by "
                            + holders.size()
                            + " processes: owner "
                            + owner
                            + ", inherited by "
                            + inheritors));
              } else if (c.identity().recordedPid().isPresent()
                  && !holders.contains(c.identity().recordedPid().getAsLong())
                  && gone(snapshot, c.identity().recordedPid().getAsLong())) {
                ghosts.add(
                    new GhostSocket(
                        c.daemonFamily(),
                        c.port(),
                        c.listener().address(),
                        c.identity().recordedPid().getAsLong(),
                        holders,
                        "recorded owner pid "
                            + c.identity().recordedPid().getAsLong()
                            + " is gone, yet the port still listens, held by "
                            + holders));
              }
            });
    return ghosts;
  }

  /** A zombie is gone too: it holds no socket and only waits for its parent to reap it. */
  private static boolean gone(ProcessSnapshot snapshot, long pid) {
    ProcessNode n = snapshot.nodes().get(pid);
    return n == null || n.zombie();
  }

  /**
   * {@code kitty cleanup}: stops the {@code safe_auto} candidates of the named families (all when
   * none is named), through the signal gate. Everything else is reported as skipped.
   */
  public StopReport cleanup(List<String> ids, boolean dryRun, StopProgress progress) {
    return whileStopping(() -> execute(classifier().scan(select(ids)), true, dryRun, progress));
  }

  /**
   * {@code kitty doctor --reset}: stops the {@code safe_auto} and {@code operator_required}
   * candidates of the named families; skips {@code never_touch} and recorded live daemons.
   */
  public StopReport reset(List<String> ids, boolean dryRun, StopProgress progress) {
    return whileStopping(() -> execute(classifier().scan(select(ids)), false, dryRun, progress));
  }

  /**
   * {@code kitty kill PID --family F}: one operator kill, through the same gate.
   *
   * @throws KittyException.Usage when PID holds no listener in F's range
   */
  public StopReport kill(long pid, String family, boolean dryRun, StopProgress progress) {
    return whileStopping(() -> killScanned(pid, family, dryRun, progress));
  }

  private StopReport killScanned(long pid, String family, boolean dryRun, StopProgress progress) {
    List<FamilyInfo> scope = select(List.of(family));
    ScanReport scan = classifier().scan(scope);
    List<Candidate> mine =
        scan.candidates().filter(c -> c.pid() != null && c.pid() == pid).toList();
    if (mine.isEmpty()) {
      int me = platform.processes().currentUid();
      Optional<ProcessView> target = platform.processes().view(pid);
      if (me > 0 && target.isPresent() && target.get().uid() >= 0 && target.get().uid() != me) {
        // Not root: another user's sockets are not even visible (its /proc/PID/fd is closed to
        // us), so "holds no listener" would be a guess. Say what is actually in the way.
        throw new KittyException.Usage(
            "pid "
                + pid
                + " belongs to user "
                + target.get().user()
                + ": kitty, running as uid "
                + me
                + ", can neither see its sockets nor signal it (only root with --all-users can)");
      }
      throw new KittyException.Usage(
          "pid "
              + pid
              + " holds no listener in family "
              + family
              + "'s range "
              + scope.getFirst().range());
    }
    ScanReport only =
        new ScanReport(List.of(new FamilyScan(scope.getFirst(), mine)), scan.warnings());
    // The operator named this pid: the one command that also stops a recorded live daemon (a
    // wedged singleton); never_touch stays untouched (ADR 26).
    return execute(only, false, true, dryRun, progress, gate());
  }

  /**
   * Held by every command that stops what a scan found, from its scan to its last signal: two kitty
   * processes (a cleanup and a reset, two dashboards' start-up cleanups) must not each act on a
   * scan of the same process — the gate would let both TERM it, and both would report it (issue
   * 10's parallel test caught exactly that). The second waits and then scans what is left.
   */
  private StateStore.Held stopping() {
    return new StateStore(options.stateDir()).lock("stop");
  }

  /** {@code body} (a scan and the stop of what it found) under the stop lock. */
  @SuppressWarnings("try") // the lock is held for the body's duration, never read
  private StopReport whileStopping(java.util.function.Supplier<StopReport> body) {
    try (StateStore.Held stopping = stopping()) {
      return body.get();
    }
  }

  /**
   * Stops the candidates of {@code scan} that this path may stop — {@code safe_auto} only when
   * {@code autoOnly} (cleanup), else also {@code operator_required} (reset, kill) — and puts every
   * candidate in exactly one array.
   */
  private StopReport execute(
      ScanReport scan, boolean autoOnly, boolean dryRun, StopProgress progress) {
    return execute(scan, autoOnly, false, dryRun, progress, gate());
  }

  /**
   * As above; {@code includeRecorded} (the owner's {@code stop}) also stops recorded live daemons
   * instead of skipping them.
   */
  private StopReport execute(
      ScanReport scan,
      boolean autoOnly,
      boolean includeRecorded,
      boolean dryRun,
      StopProgress progress,
      SignalGate gate) {
    List<StopReport.Entry> swept = new ArrayList<>();
    List<StopReport.Entry> skipped = new ArrayList<>();
    List<StopReport.Entry> failed = new ArrayList<>();
    StopExecutor executor =
        new StopExecutor(gate, platform, progress, new StateStore(options.stateDir()));
    for (FamilyScan fs : scan.families()) {
      List<Candidate> targets = new ArrayList<>();
      for (Candidate c : fs.candidates()) {
        if (c.identity().recorded() && !includeRecorded) {
          skipped.add(
              new StopReport.Entry(
                  c, null, "the recorded live daemon: " + c.identity().skipReason()));
        } else if (c.cleanupClass() == CleanupClass.NEVER_TOUCH) {
          skipped.add(new StopReport.Entry(c, null, c.identity().skipReason()));
        } else if (autoOnly && c.cleanupClass() != CleanupClass.SAFE_AUTO) {
          skipped.add(
              new StopReport.Entry(
                  c, null, "operator_required: run kitty doctor " + c.daemonFamily() + " --reset"));
        } else if (c.pid() == null) {
          skipped.add(new StopReport.Entry(c, null, "no process holding the socket is visible"));
        } else {
          targets.add(c);
        }
      }
      if (dryRun) {
        String plan =
            fs.family().family().stopPlan().steps().stream()
                .map(s -> s.getClass().getSimpleName())
                .toList()
                .toString();
        for (Candidate c : targets) {
          var verdict =
              gate.check(
                  new SignalGate.Target(c.pid(), c.process().startTicks(), fs.family().id()));
          if (verdict.allowed()) {
            swept.add(
                new StopReport.Entry(
                    c, "dry_run", "would stop with " + plan + " (" + verdict.reason() + ")"));
          } else {
            skipped.add(new StopReport.Entry(c, null, verdict.skipReason()));
          }
        }
        continue;
      }
      for (StopExecutor.Result r : executor.stop(fs.family(), targets)) {
        switch (r.kind()) {
          case SWEPT -> swept.add(r.entry());
          case SKIPPED -> skipped.add(r.entry());
          case FAILED -> failed.add(r.entry());
        }
      }
    }
    return new StopReport(swept, skipped, failed, dryRun, signallerUsed());
  }

  /**
   * {@code kitty sync ensure}: the family's singleton, started or reused. Under a lock on the
   * family (across processes, so parallel calls queue), it scans the family's range, stops the
   * {@code safe_auto} daemons (stale ones of this scope; never {@code operator_required} or {@code
   * never_touch}), reuses the recorded live daemon if one answers, and otherwise launches one on a
   * free port of the range and records it atomically.
   *
   * @param env extra environment for a daemon this call starts
   * @throws KittyException.Usage when the family launches no daemons
   * @throws KittyException.Failed when a new daemon does not become healthy
   */
  public EnsureReport ensure(String id, Map<String, String> env, StopProgress progress) {
    return ensure(id, null, env, progress);
  }

  /**
   * As {@link #ensure(String, Map, StopProgress)} for one scope of a family with one daemon per
   * scope (a dashboard per project): the lock and kitty's launch record are the scope's, the live
   * daemon reused is the recorded one whose {@code singleton_scope_id} is {@code scope}, and {@code
   * {scope}} in the launch command is replaced by it. {@code safe_auto} daemons of every scope are
   * stopped first: they are proven stale wherever they belong.
   *
   * @param scope the scope, or null for a family with one singleton
   */
  @SuppressWarnings("try") // the lock is held for the body's duration, never read
  public EnsureReport ensure(
      String id, String scope, Map<String, String> env, StopProgress progress) {
    FamilyInfo family = select(List.of(id)).getFirst();
    LaunchSpec spec =
        family
            .family()
            .launchSpec()
            .orElseThrow(
                () -> new KittyException.Usage("family " + id + " does not launch daemons"));
    StateStore store = new StateStore(options.stateDir());
    String key = scope == null ? id : id + "-" + StateStore.digest(scope);
    Path recordFile = store.singletonRecord(key);
    List<String> notes = new ArrayList<>();
    try (StateStore.Held held = store.lock(key);
        StateStore.Held stopping = stopping()) {
      ScanReport scan = classifier().scan(List.of(family));
      SignalGate gate = gate();
      StopReport cleaned = execute(scan, true, false, false, progress, gate);
      // Kitty's own singleton: for a scope, the recorded one of that scope; for a family with one
      // singleton, the one kitty's record names — another program's recorded live daemon in the
      // range (spec-kitty's) is live too, but it is not kitty's to reuse (ADR 26).
      Long kittys = scope == null ? recordedPid(recordFile) : null;
      Optional<Candidate> live =
          scan.candidates()
              .filter(c -> c.identity().recorded() && c.pid() != null)
              .filter(
                  c ->
                      scope == null
                          ? c.pid().equals(kittys)
                          : c.identity().scope().filter(scope::equals).isPresent())
              .filter(
                  c ->
                      platform
                          .processes()
                          .node(c.pid())
                          .map(n -> n.startTicks() == c.process().startTicks())
                          .orElse(false))
              .findFirst();
      if (live.isPresent()) {
        Candidate c = live.get();
        if (c.identity().healthFailure().orElse(null) instanceof String silent) {
          // A slow singleton is still the singleton: starting a second one would leave two, and
          // the next ensure would stop the first with its work in flight (ADR 14 addendum).
          notes.add(
              "the recorded "
                  + id
                  + " daemon pid "
                  + c.pid()
                  + " did not answer health ("
                  + silent
                  + "); reused, not replaced: `kitty kill "
                  + c.pid()
                  + " --family "
                  + id
                  + "` stops it if it is wedged");
        }
        String launchId = c.process().cookies().get(ProcessView.LAUNCH_COOKIE);
        return new EnsureReport(id, c.pid(), c.port(), true, launchId, cleaned, notes);
      }
      // Only now: a live recorded daemon proves its record sound, and the reuse path stays fast.
      String problem = recordProblem(recordFile);
      if (problem != null) {
        notes.add(
            "singleton record "
                + recordFile
                + " "
                + problem
                + " and "
                + store.quarantine(recordFile)
                + "; it will be rebuilt");
      }
      if (scope != null) {
        notes.addAll(family.family().recordNotes(scope));
      }
      Set<Integer> busy = new java.util.HashSet<>();
      scan.candidates().forEach(c -> busy.add(c.port()));
      Launcher launcher = new Launcher(platform, store, gate);
      KittyException.Failed last = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        int port = freePort(family, busy, scan);
        try {
          var launched = launcher.launch(family, spec, port, scope, recordFile, env);
          try {
            store.writeAtomically(recordFile, singletonRecord(family, launched, store));
          } catch (KittyException unrecorded) {
            // A singleton no record names would be taken for a stale one: it goes (ADR 19).
            launcher.abandon(family, launched);
            throw new KittyException.Failed(
                id
                    + " daemon was healthy but could not be recorded ("
                    + unrecorded.getMessage()
                    + "); it was stopped");
          }
          return new EnsureReport(
              id, launched.node().pid(), port, false, launched.launchId(), cleaned, notes);
        } catch (KittyException.Failed e) {
          // Somebody took the port between our look and the daemon's bind: try the next one.
          busy.add(port);
          last = e;
          if (!dev.kitty.engine.internal.launch.PortAllocator.taken(port)) {
            throw e;
          }
        }
      }
      throw last;
    }
  }

  /**
   * The owner's stop of one scope's daemons ({@code kitty dashboard --stop}): every candidate of
   * the family whose {@code singleton_scope_id} is {@code scope} and that is not {@code
   * never_touch} — the recorded live one included — stopped with the family's plan through the
   * gate. The family's other candidates are not part of the answer.
   */
  public StopReport stopScope(String id, String scope, boolean dryRun, StopProgress progress) {
    return whileStopping(() -> stopScopeScanned(id, scope, dryRun, progress));
  }

  private StopReport stopScopeScanned(
      String id, String scope, boolean dryRun, StopProgress progress) {
    FamilyInfo family = select(List.of(id)).getFirst();
    ScanReport scan = classifier().scan(List.of(family));
    List<Candidate> mine =
        scan.candidates()
            .filter(c -> c.identity().scope().filter(scope::equals).isPresent())
            .toList();
    ScanReport only = new ScanReport(List.of(new FamilyScan(family, mine)), scan.warnings());
    return execute(only, false, true, dryRun, progress, gate());
  }

  /** The pid a singleton record names, or null when there is none or it cannot be read. */
  private static Long recordedPid(Path file) {
    try {
      Map<String, Object> m =
          dev.kitty.engine.internal.JsonSupport.objectOrNull(
              dev.kitty.api.DaemonProof.readSmallFile(file, StateStore.MAX_RECORD_BYTES));
      return m != null && m.get("pid") instanceof Number n ? n.longValue() : null;
    } catch (IOException | UncheckedIOException e) {
      return null;
    }
  }

  private static String recordProblem(Path file) {
    if (!Files.exists(file)) {
      return null;
    }
    try {
      Map<String, Object> m =
          dev.kitty.engine.internal.JsonSupport.objectOrNull(
              dev.kitty.api.DaemonProof.readSmallFile(file, StateStore.MAX_RECORD_BYTES));
      if (m == null) {
        return "is corrupt (not a JSON object)";
      }
      // Records before schema versions had none: read as version 1. A newer one is not guessed at.
      Object v = m.getOrDefault("schema_version", SINGLETON_SCHEMA_VERSION);
      return v instanceof Number n && n.longValue() <= SINGLETON_SCHEMA_VERSION
          ? null
          : "has schema_version "
              + v
              + ", which this kitty does not read (up to "
              + SINGLETON_SCHEMA_VERSION
              + ")";
    } catch (IOException | UncheckedIOException e) {
      return "cannot be read (" + e.getMessage() + ")";
    }
  }

  /** The version of the singleton record's layout; records without one are version 1. */
  private static final int SINGLETON_SCHEMA_VERSION = 1;

  private static String singletonRecord(FamilyInfo family, Launcher.Launched l, StateStore store) {
    // Flat on purpose: the daemon reads it to know whether it is still the singleton.
    Map<String, Object> r = new java.util.LinkedHashMap<>();
    r.put("schema_version", SINGLETON_SCHEMA_VERSION);
    r.put("family", family.id());
    r.put("scope", l.scope() != null ? l.scope() : store.dir().toString());
    r.put("pid", l.node().pid());
    r.put("pgid", l.node().pgid());
    r.put("port", l.port());
    r.put("start_ticks", l.node().startTicks());
    r.put("start_time", l.startTime() == null ? null : l.startTime().toString());
    r.put("launch_id", l.launchId());
    r.put("token", l.token());
    r.put("command", String.join(" ", l.command()));
    r.put("log", l.log().toString());
    r.put("recorded_at", Instant.now().toString());
    return JsonText.write(r) + "\n";
  }

  /**
   * The first free port of the range; when there is none, the error says who holds the range, what
   * kitty could clean, and the one command that does it.
   */
  private static int freePort(FamilyInfo family, Set<Integer> busy, ScanReport scan) {
    var free = dev.kitty.engine.internal.launch.PortAllocator.firstFree(family.range(), busy);
    if (free.isPresent()) {
      return free.getAsInt();
    }
    Map<String, Long> byClass = new TreeMap<>();
    scan.candidates()
        .forEach(
            c ->
                byClass.merge(
                    c.identity().recorded() ? "recorded" : c.cleanupClass().jsonName(),
                    1L,
                    Long::sum));
    throw new KittyException.Failed(
        "no free port in family "
            + family.id()
            + "'s range "
            + family.range()
            + ": held by "
            + scan.candidates().count()
            + " listeners "
            + byClass
            + " (safe_auto ones were stopped already); the rest needs the operator: kitty doctor "
            + family.id()
            + " --reset");
  }

  private Launches launches() {
    return new Launches(
        this, platform, new StateStore(options.stateDir()), this::gate, this::signallerUsed);
  }

  private Stacks stacks() {
    return new Stacks(this, platform, new StateStore(options.stateDir()), launches());
  }

  /**
   * {@code kitty up FILE}: starts the services of a stack file that are not running, dependencies
   * first, each healthy before what depends on it starts; on a failure stops what it started.
   *
   * @param env extra environment for every service
   * @param progress told a line per service as it starts
   * @throws KittyException.BadInput for a stack file that is wrong (file and line named), before
   *     anything starts
   * @throws KittyException.Failed when a service does not become healthy (everything this call
   *     started is stopped again)
   */
  public StackReport up(
      Path file, Map<String, String> env, java.util.function.Consumer<String> progress) {
    return stacks().up(file, env, progress);
  }

  /**
   * {@code kitty down FILE}: stops every service of the stack on record, dependents first, and
   * reports what still carries the stack's cookie (nothing, when it worked).
   */
  public StackReport down(
      Path file, boolean force, java.util.function.Consumer<String> progress, StopProgress waits) {
    return stacks().down(file, force, progress, waits);
  }

  /** {@code kitty ps FILE}: the stack's services with their processes, memory and CPU. */
  public StackReport ps(Path file) {
    return stacks().ps(file);
  }

  /** The log file of one service of the stack on record ({@code kitty logs}). */
  public Path stackLog(Path file, String service) {
    return stacks().log(file, service);
  }

  /**
   * For {@code kitty up --foreground}: makes this process the subreaper of what it starts (Linux,
   * {@code PR_SET_CHILD_SUBREAPER}) and reaps, every {@code interval}, the adopted orphans that
   * exited, so none lingers as a zombie. Returns false, doing nothing, where that is not possible.
   */
  public boolean adoptOrphans(Duration interval) {
    if (!dev.kitty.engine.internal.launch.Subreaper.become(platform)) {
      return false;
    }
    long me = ProcessHandle.current().pid();
    Thread reaper =
        Thread.ofPlatform()
            .daemon()
            .name("kitty-subreaper")
            .start(
                () -> {
                  while (!Thread.currentThread().isInterrupted()) {
                    for (ProcessNode n : platform.processes().nodes().values()) {
                      if (n.ppid() == me
                          && n.zombie()
                          && !dev.kitty.engine.internal.launch.Launcher.SPAWNED.contains(n.pid())) {
                        dev.kitty.engine.internal.launch.Subreaper.reap(n.pid());
                      }
                    }
                    try {
                      Thread.sleep(interval);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
    return reaper.isAlive();
  }

  private RunawayWatch watch() {
    return new RunawayWatch(this, platform, new StateStore(options.stateDir()), launches());
  }

  /**
   * {@code kitty start FAMILY}: starts the named launch (or reuses it when it is running and
   * healthy), recording its intent before the spawn and its processes once it is healthy.
   *
   * @throws KittyException.Usage for a bad name, port or missing command
   * @throws KittyException.Failed when the port is taken or the command does not become healthy
   *     (whatever it started is stopped, the record says why)
   */
  public LaunchReport start(LaunchRequest request, StopProgress progress) {
    return launches().start(request, progress);
  }

  /**
   * {@code kitty stop FAMILY [NAME]}: stops the named launch (every launch of the family when
   * {@code name} is null) with the family's plan, then verifies that no member is alive and the
   * port is free.
   */
  public StopReport stop(String family, String name, StopProgress progress) {
    return launches().stop(family, name, progress);
  }

  /** {@code kitty restart FAMILY NAME}: stop verified, then start with the recorded command. */
  public LaunchReport restart(String family, String name, StopProgress progress) {
    return launches().restart(family, name, progress);
  }

  /**
   * {@code kitty ensure FAMILY NAME}: nothing when the launch is healthy, else a restart with
   * bounded exponential backoff.
   */
  public LaunchReport ensureLaunch(String family, String name, StopProgress progress) {
    return launches().ensure(family, name, progress);
  }

  /**
   * {@code kitty status [FAMILY]}: every launch on record, with what is alive of it.
   *
   * @param warnings receives the records that could not be read (moved aside)
   */
  public List<LaunchStatus> status(List<String> ids, List<String> warnings) {
    return launches().status(ids, warnings);
  }

  /**
   * {@code kitty watch}: the runaway findings of the named families; with {@code writeBundle} a
   * diagnostic bundle per finding, with {@code autoClean} the launches to blame stopped.
   */
  public List<RunawayFinding> runaway(
      List<String> ids, boolean autoClean, boolean writeBundle, StopProgress progress) {
    return watch().check(ids, autoClean, writeBundle, progress);
  }

  /**
   * The tree around {@code pid}.
   *
   * @throws KittyException.Usage when no such process is visible
   */
  public ProcessTreeReport tree(long pid) {
    return tree(pid, false);
  }

  /**
   * As {@link #tree(long)}; {@code ownSessionOnly} shows only the ancestors in the process's own
   * session — a launch's shell wrapper, which kitty made the session leader — and not whatever
   * adopted the daemon (init, a container's first process): the doctor draws a recorded daemon's
   * tree, where those are noise.
   */
  private ProcessTreeReport tree(long pid, boolean ownSessionOnly) {
    ProcessSnapshot snapshot = new ProcessSnapshot(platform.processes());
    if (!snapshot.nodes().containsKey(pid)) {
      throw new KittyException.Usage("no visible process with pid " + pid);
    }
    Map<Long, List<Integer>> ports = new TreeMap<>();
    for (ListenerView l : platform.listeners().listeners(p -> true)) {
      for (long h : l.holderPids()) {
        List<Integer> ps = ports.computeIfAbsent(h, k -> new ArrayList<>());
        if (!ps.contains(l.port())) {
          ps.add(l.port());
        }
      }
    }
    List<ProcessTreeReport.Node> nodes = new ArrayList<>();
    List<ProcessNode> ancestors = new ArrayList<>(snapshot.ancestors(pid));
    if (ownSessionOnly) {
      long sid = snapshot.view(pid).map(ProcessView::sid).orElse(-1L);
      int kept = 0;
      while (kept < ancestors.size()
          && sid > 0
          && snapshot.view(ancestors.get(kept).pid()).map(ProcessView::sid).orElse(-2L) == sid) {
        kept++;
      }
      ancestors = new ArrayList<>(ancestors.subList(0, kept));
    }
    java.util.Collections.reverse(ancestors);
    int depth = 0;
    for (ProcessNode a : ancestors) {
      addNode(nodes, snapshot, a.pid(), depth++, false, ports);
    }
    addSubtree(nodes, snapshot, pid, depth, true, ports, new java.util.HashSet<>());
    return new ProcessTreeReport(pid, nodes);
  }

  private void addSubtree(
      List<ProcessTreeReport.Node> nodes,
      ProcessSnapshot snapshot,
      long pid,
      int depth,
      boolean target,
      Map<Long, List<Integer>> ports,
      Set<Long> seen) {
    if (!seen.add(pid)) {
      return;
    }
    addNode(nodes, snapshot, pid, depth, target, ports);
    for (ProcessNode child : snapshot.childNodes(pid)) {
      addSubtree(nodes, snapshot, child.pid(), depth + 1, false, ports, seen);
    }
  }

  private void addNode(
      List<ProcessTreeReport.Node> nodes,
      ProcessSnapshot snapshot,
      long pid,
      int depth,
      boolean target,
      Map<Long, List<Integer>> ports) {
    Optional<ProcessView> view = snapshot.view(pid);
    if (view.isEmpty()) {
      return;
    }
    List<Integer> held = ports.getOrDefault(pid, List.of());
    List<String> families =
        held.stream()
            .flatMap(p -> registry.owning(p).stream())
            .map(FamilyInfo::id)
            .distinct()
            .toList();
    nodes.add(new ProcessTreeReport.Node(view.get(), depth, target, held, families));
  }
}
