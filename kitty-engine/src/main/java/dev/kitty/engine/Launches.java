package dev.kitty.engine;

import dev.kitty.api.HttpAnswer;
import dev.kitty.api.Identity;
import dev.kitty.api.IdentitySource;
import dev.kitty.api.LaunchSpec;
import dev.kitty.api.ListenerView;
import dev.kitty.api.ProcessView;
import dev.kitty.api.StopPlan;
import dev.kitty.engine.internal.CrashPoints;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.discovery.ProcessSnapshot;
import dev.kitty.engine.internal.identity.LoopbackHttp;
import dev.kitty.engine.internal.launch.LaunchMembers;
import dev.kitty.engine.internal.launch.LaunchRecord;
import dev.kitty.engine.internal.launch.LaunchRegistry;
import dev.kitty.engine.internal.launch.Launcher;
import dev.kitty.engine.internal.signal.SignalGate;
import dev.kitty.engine.internal.signal.StopExecutor;
import dev.kitty.engine.internal.state.StateStore;
import java.nio.file.Files;
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
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Named launches of a family: {@code start}, {@code stop}, {@code restart}, {@code ensure}, {@code
 * status} and the runaway watchdog. Every change to one name happens under that name's lock, so
 * parallel commands queue and there is at most one tree per name. A launch is found again by its
 * cookie and session, never by its name or port alone.
 */
final class Launches {

  /** How long {@code ensure} waits before its attempts after the first. */
  static final List<Duration> BACKOFF =
      List.of(
          Duration.ZERO,
          Duration.ofMillis(500),
          Duration.ofSeconds(1),
          Duration.ofSeconds(2),
          Duration.ofSeconds(4));

  /**
   * Stop rounds: a member started by a wrapper between the snapshot and the freeze is caught by the
   * next.
   */
  private static final int STOP_ROUNDS = 3;

  /** The port request of a launch that listens on no port (a stack's worker service). */
  static final String NO_PORT = "none";

  private final Kitty kitty;
  private final Platform platform;
  private final StateStore store;
  private final Supplier<SignalGate> gates;
  private final Supplier<String> signallerUsed;

  Launches(
      Kitty kitty,
      Platform platform,
      StateStore store,
      Supplier<SignalGate> gates,
      Supplier<String> signallerUsed) {
    this.kitty = kitty;
    this.platform = platform;
    this.store = store;
    this.gates = gates;
    this.signallerUsed = signallerUsed;
  }

  private FamilyInfo family(String id) {
    FamilyInfo f = kitty.select(List.of(id)).getFirst();
    if (f.family().launchSpec().isEmpty()) {
      throw new KittyException.Usage("family " + id + " does not launch daemons");
    }
    return f;
  }

  static String checkName(String name) {
    if (name == null || !name.matches(LaunchRecord.NAME_PATTERN)) {
      throw new KittyException.Usage(
          "launch name \""
              + name
              + "\" is not allowed: letters, digits, '.', '_' and '-', at most 64, not starting with"
              + " a punctuation mark");
    }
    return name;
  }

  // ---------------------------------------------------------------- start

  @SuppressWarnings("try") // the lock is held for the body's duration, never read
  LaunchReport start(LaunchRequest req, StopProgress progress) {
    FamilyInfo family = family(req.family());
    String name = checkName(req.name());
    LaunchSpec spec = family.family().launchSpec().orElseThrow();
    List<String> command = req.command().isEmpty() ? spec.command() : req.command();
    if (command.isEmpty() || command.stream().allMatch(String::isBlank)) {
      throw new KittyException.Usage(
          "nothing to run: give the command after --, e.g. kitty start "
              + family.id()
              + " -- python3 -m http.server {port}");
    }
    boolean shell = req.shell() || needsShell(command);
    Path cwd = req.cwd() == null ? null : req.cwd().toAbsolutePath();
    if (cwd != null && !Files.isDirectory(cwd)) {
      throw new KittyException.Usage("working folder " + cwd + " is not a directory");
    }
    if (req.healthPath() != null && !req.healthPath().startsWith("/")) {
      throw new KittyException.Usage("--health must start with '/': " + req.healthPath());
    }
    Integer explicit = parsePort(family, req.port());
    LaunchRegistry registry = new LaunchRegistry(store);
    try (StateStore.Held held = registry.lock(family.id(), name)) {
      SignalGate gate = gates.get();
      Optional<LaunchRecord> previous = registry.read(family.id(), name);
      List<String> notes = new ArrayList<>(registry.warnings());
      StopReport stopped = empty();
      int restarts = 0;
      if (previous.isPresent()) {
        LaunchRecord p = previous.get();
        restarts = p.restarts();
        if (p.meantToRun() && healthy(p) == null) {
          if (!p.command().equals(command) || p.shell() != shell) {
            notes.add(
                "launch "
                    + name
                    + " is already running with "
                    + p.command()
                    + "; 'kitty restart "
                    + family.id()
                    + " "
                    + name
                    + "' runs it again with its recorded command");
          }
          return report(p, true, stopped, 0, notes);
        }
        // Dead, unhealthy or stopped: whatever is left of it goes before the new one starts.
        stopped = stopLocked(family, p, gate, progress, "replaced by a new start");
        if (!stopped.failed().isEmpty()) {
          throw new KittyException.Failed(
              "launch "
                  + name
                  + " could not be stopped before starting it again: "
                  + reasons(stopped));
        }
      }
      LaunchRecord started =
          startLocked(
              family,
              spec,
              name,
              command,
              shell,
              req.port(),
              explicit,
              req.healthPath(),
              cwd,
              req.scope(),
              req.env(),
              req.startTimeout() == null ? spec.startTimeout() : req.startTimeout(),
              restarts,
              registry,
              gate,
              previous.isPresent() ? "start (replacing)" : "start");
      return report(started, false, stopped, 1, notes);
    }
  }

  /** A single word with spaces or shell syntax, or a script file, is run by the shell. */
  static boolean needsShell(List<String> command) {
    if (command.size() != 1) {
      return false;
    }
    String w = command.getFirst();
    return w.matches(".*[\\s|&;<>()$`*?].*")
        || w.endsWith(".sh")
        || w.endsWith(".bat")
        || w.endsWith(".cmd");
  }

  /** {@code port} is {@code auto} (null: the first free one), {@code none} (0) or a number. */
  private Integer parsePort(FamilyInfo family, String port) {
    if (port == null || port.equals("auto")) {
      return null;
    }
    if (port.equals(NO_PORT)) {
      return 0;
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new KittyException.Usage("--port must be a number or auto, got \"" + port + "\"");
    }
    if (!family.range().contains(p)) {
      throw new KittyException.Usage(
          "port " + p + " is outside family " + family.id() + "'s range " + family.range());
    }
    return p;
  }

  private LaunchRecord startLocked(
      FamilyInfo family,
      LaunchSpec spec,
      String name,
      List<String> command,
      boolean shell,
      String portRequest,
      Integer explicit,
      String healthPath,
      Path cwd,
      String scope,
      Map<String, String> env,
      Duration startTimeout,
      int restarts,
      LaunchRegistry registry,
      SignalGate gate,
      String event) {
    int port = explicit == null ? freePort(family) : explicit;
    if (explicit != null
        && port > 0
        && dev.kitty.engine.internal.launch.PortAllocator.taken(port)) {
      throw new KittyException.Failed(
          "port "
              + port
              + " is taken by "
              + holders(port)
              + "; kitty doctor "
              + family.id()
              + " says whose it is, or start with --port auto");
    }
    String launchId = UUID.randomUUID().toString();
    Path recordFile = registry.file(family.id(), name);
    LaunchRecord[] intent = new LaunchRecord[1];
    LaunchSpec run = new LaunchSpec(command, shell, healthPath, startTimeout);
    Launcher launcher = new Launcher(platform, store, gate);
    Launcher.Launched launched;
    try {
      launched =
          launcher.launch(
              family,
              run,
              port,
              scope,
              recordFile,
              env,
              launchId,
              cwd,
              (id, floor) -> {
                intent[0] =
                    new LaunchRecord(
                        family.id(),
                        name,
                        "starting",
                        id,
                        floor,
                        command,
                        shell,
                        portRequest == null ? "auto" : portRequest,
                        port,
                        healthPath,
                        cwd == null ? null : cwd.toString(),
                        -1,
                        -1,
                        -1,
                        -1,
                        -1,
                        -1,
                        store.logsDir().resolve(family.id() + "-" + id + ".log").toString(),
                        Instant.now().toString(),
                        null,
                        restarts,
                        null,
                        scope,
                        null);
                registry.write(intent[0]);
              });
    } catch (KittyException e) {
      if (intent[0] != null) {
        LaunchRecord failed = intent[0].with("failed", Instant.now().toString(), e.getMessage());
        try {
          registry.write(failed);
          registry.history("failed", failed, e.getMessage());
        } catch (KittyException alsoUnwritable) {
          // The state disk that failed the start fails this too: the first error is the one told.
        }
      }
      throw e;
    }
    ProcessSnapshot snap = new ProcessSnapshot(platform.processes());
    long root = launched.node().pid();
    long main = mainPid(snap, port, launchId, intent[0].notBeforeTicks()).orElse(root);
    long mainTicks = snap.nodes().containsKey(main) ? snap.nodes().get(main).startTicks() : -1;
    boolean wrapped = main != root;
    Optional<ProcessView> rootView = snap.view(root);
    LaunchRecord r =
        new LaunchRecord(
            family.id(),
            name,
            "running",
            launchId,
            intent[0].notBeforeTicks(),
            command,
            shell,
            intent[0].portRequest(),
            port,
            healthPath,
            intent[0].cwd(),
            wrapped ? root : -1,
            wrapped ? launched.node().startTicks() : -1,
            main,
            mainTicks,
            launched.node().pgid(),
            rootView.map(ProcessView::sid).orElse(root),
            launched.log().toString(),
            intent[0].startedAt(),
            null,
            restarts,
            null,
            scope,
            launched.token());
    CrashPoints.reach("launch.healthy");
    try {
      registry.write(r);
      registry.history(event, r, "pid " + main + (wrapped ? ", wrapper " + root : ""));
    } catch (KittyException e) {
      // Healthy but not on record (a full or read-only state disk): nothing may run that no record
      // names, so the tree goes, and the user is told why (ADR 19 addendum).
      launcher.abandon(family, launched);
      throw new KittyException.Failed(
          family.id()
              + " launch "
              + name
              + " was healthy but could not be recorded ("
              + e.getMessage()
              + "); it was stopped");
    }
    return r;
  }

  /** The member of the launch that owns the port's listening socket. */
  private Optional<Long> mainPid(ProcessSnapshot snap, int port, String launchId, long floor) {
    List<Long> holders = new ArrayList<>();
    for (ListenerView l : platform.listeners().listeners(p -> p == port)) {
      for (long h : l.holderPids()) {
        Optional<ProcessView> v = snap.view(h);
        if (v.isPresent()
            && launchId.equals(v.get().cookies().get(ProcessView.LAUNCH_COOKIE))
            && v.get().startTicks() >= floor) {
          holders.add(h);
        }
      }
    }
    return snap.owner(holders);
  }

  private int freePort(FamilyInfo family) {
    var free = dev.kitty.engine.internal.launch.PortAllocator.firstFree(family.range(), Set.of());
    if (free.isPresent()) {
      return free.getAsInt();
    }
    throw new KittyException.Failed(
        "no free port in family "
            + family.id()
            + "'s range "
            + family.range()
            + "; kitty doctor "
            + family.id()
            + " says who holds it");
  }

  private String holders(int port) {
    List<String> out = new ArrayList<>();
    for (ListenerView l : platform.listeners().listeners(p -> p == port)) {
      for (long h : l.holderPids()) {
        out.add(
            "pid "
                + h
                + platform.processes().view(h).map(v -> " (" + v.commandLine() + ")").orElse(""));
      }
    }
    return out.isEmpty() ? "a process kitty cannot see" : String.join(", ", out);
  }

  // ---------------------------------------------------------------- health

  /** Why the launch on record is not healthy, or null when it is. */
  String healthy(LaunchRecord r) {
    var node = platform.processes().node(r.pid());
    if (r.pid() <= 0
        || node.isEmpty()
        || node.get().zombie()
        || node.get().startTicks() != r.startTicks()) {
      return "its main process " + r.pid() + " is gone";
    }
    if (r.port() > 0 && !listeningMember(r)) {
      return "nothing of it listens on port " + r.port();
    }
    if (r.healthPath() != null && r.port() > 0) {
      HttpAnswer a = LoopbackHttp.get("127.0.0.1", r.port(), r.healthPath(), Duration.ofSeconds(1));
      if (a.error() != null) {
        return "health " + r.healthPath() + ": " + a.error();
      }
      if (a.status() / 100 != 2) {
        return "health " + r.healthPath() + " answered HTTP " + a.status();
      }
    }
    return null;
  }

  /** Every live process holding a listening socket on {@code port}. */
  List<ProcessView> portHolders(int port) {
    List<ProcessView> out = new ArrayList<>();
    for (ListenerView l : platform.listeners().listeners(p -> p == port)) {
      for (long h : l.holderPids()) {
        platform.processes().view(h).ifPresent(out::add);
      }
    }
    return out;
  }

  private boolean listeningMember(LaunchRecord r) {
    for (ListenerView l : platform.listeners().listeners(p -> p == r.port())) {
      for (long h : l.holderPids()) {
        Optional<ProcessView> v = platform.processes().view(h);
        if (v.isPresent()
            && r.launchId().equals(v.get().cookies().get(ProcessView.LAUNCH_COOKIE))) {
          return true;
        }
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- stop

  /**
   * {@code kitty stop FAMILY NAME} (or every launch of the family when {@code name} is null).
   *
   * @throws KittyException.Usage when no launch of that name is on record
   */
  @SuppressWarnings("try") // the lock is held for the body's duration, never read
  StopReport stop(String familyId, String name, StopProgress progress) {
    return stop(familyId, name, null, progress, "stopped by the operator");
  }

  /**
   * As {@link #stop(String, String, StopProgress)} with {@code plan} instead of the family's (null:
   * the family's), recording {@code why}.
   */
  @SuppressWarnings("try") // the lock is held for the body's duration, never read
  StopReport stop(String familyId, String name, StopPlan plan, StopProgress progress, String why) {
    FamilyInfo family = family(familyId);
    LaunchRegistry registry = new LaunchRegistry(store);
    List<String> names = new ArrayList<>();
    if (name == null) {
      registry.all(family.id()).forEach(r -> names.add(r.name()));
    } else {
      names.add(checkName(name));
    }
    List<StopReport> parts = new ArrayList<>();
    for (String n : names) {
      try (StateStore.Held held = registry.lock(family.id(), n)) {
        Optional<LaunchRecord> r = registry.read(family.id(), n);
        if (r.isEmpty()) {
          throw new KittyException.Usage(
              "no launch \""
                  + n
                  + "\" of family "
                  + family.id()
                  + " on record; kitty status "
                  + family.id()
                  + " lists them");
        }
        parts.add(stopLocked(family, r.get(), gates.get(), progress, why, plan));
      }
    }
    return merge(parts);
  }

  /**
   * Stops every live member of the launch {@code r} and records the outcome: {@code stopped} when
   * nothing of it is left, {@code failed} naming the survivors otherwise.
   */
  private StopReport stopLocked(
      FamilyInfo family, LaunchRecord r, SignalGate gate, StopProgress progress, String why) {
    return stopLocked(family, r, gate, progress, why, null);
  }

  private StopReport stopLocked(
      FamilyInfo family,
      LaunchRecord r,
      SignalGate gate,
      StopProgress progress,
      String why,
      StopPlan plan) {
    LaunchRegistry registry = new LaunchRegistry(store);
    gate.admitLaunch(
        r.launchId(), family.id(), r.notBeforeTicks(), r.sid(), r.sessionLeaderTicks());
    StopExecutor executor = new StopExecutor(gate, platform, progress, store);
    List<StopReport.Entry> swept = new ArrayList<>();
    List<StopReport.Entry> skipped = new ArrayList<>();
    List<StopReport.Entry> failed = new ArrayList<>();
    for (int round = 0; round < STOP_ROUNDS; round++) {
      List<ProcessView> members = LaunchMembers.find(platform.processes(), r);
      if (members.isEmpty()) {
        break;
      }
      ProcessView root = rootOf(r, members);
      List<SignalGate.Target> wrappers = new ArrayList<>();
      List<SignalGate.Target> rest = new ArrayList<>();
      for (ProcessView m : members) {
        if (m.pid() == root.pid()) {
          continue;
        }
        // The recorded wrapper counts as one even where its arguments cannot be read (Windows).
        boolean wrapper =
            m.shellWrapper()
                || (m.pid() == r.wrapperPid() && m.startTicks() == r.wrapperStartTicks());
        (wrapper ? wrappers : rest).add(target(family, m));
      }
      StopExecutor.Result result =
          executor.stopLaunch(
              family,
              plan == null ? family.family().stopPlan() : plan,
              candidate(family, r, root),
              target(family, root),
              wrappers,
              rest,
              r.port() > 0);
      switch (result.kind()) {
        case SWEPT -> swept.add(result.entry());
        case SKIPPED -> {
          if (round == 0) {
            skipped.add(result.entry());
          }
        }
        case FAILED -> {
          // One entry per process: a later round's word on it replaces the earlier one.
          Long pid = result.entry().candidate().pid();
          failed.removeIf(e -> java.util.Objects.equals(e.candidate().pid(), pid));
          failed.add(result.entry());
        }
      }
      if (result.kind() == StopExecutor.Kind.FAILED
          && result.entry().reason().startsWith("refused by the gate")) {
        break; // the next round would be refused for the same reason
      }
    }
    CrashPoints.reach("stop.signalled");
    List<ProcessView> left = LaunchMembers.find(platform.processes(), r);
    // What was signalled must be gone and its port free: a descendant that dropped the cookie
    // (env -i) and left the session (setsid) still holds the port, and only the port shows it.
    // When nothing of the launch was running, a later holder of the port is not its business.
    boolean signalled = !swept.isEmpty() || !failed.isEmpty();
    List<ProcessView> holders =
        r.port() > 0 && (signalled || listeningMember(r)) ? portHolders(r.port()) : List.of();
    LaunchRecord after;
    if (left.isEmpty() && holders.isEmpty()) {
      failed.clear();
      after = r.with("stopped", Instant.now().toString(), null);
      if (swept.isEmpty() && skipped.isEmpty()) {
        skipped.add(
            new StopReport.Entry(candidate(family, r, null), null, "nothing of it was running"));
      }
    } else {
      List<String> alive = new ArrayList<>();
      left.forEach(v -> alive.add(v.pid() + " (" + v.commandLine() + ")"));
      for (ProcessView h : holders) {
        if (left.stream().noneMatch(v -> v.pid() == h.pid())) {
          alive.add(h.pid() + " (" + h.commandLine() + ", holds port " + r.port() + ")");
        }
      }
      String survivors = "still alive after the stop plan: " + alive;
      if (failed.isEmpty()) {
        failed.add(
            new StopReport.Entry(
                candidate(
                    family,
                    r,
                    !left.isEmpty()
                        ? left.getFirst()
                        : holders.isEmpty() ? null : holders.getFirst()),
                null,
                survivors));
      }
      swept.clear();
      after = r.with("failed", Instant.now().toString(), survivors);
    }
    registry.write(after);
    registry.history("stop", after, after.status().equals("stopped") ? why : after.error());
    return new StopReport(swept, skipped, failed, false, signallerUsed.get());
  }

  /** The recorded main process when it is still the same one, else the oldest member. */
  private static ProcessView rootOf(LaunchRecord r, List<ProcessView> members) {
    for (ProcessView m : members) {
      if (m.pid() == r.pid() && m.startTicks() == r.startTicks()) {
        return m;
      }
    }
    for (ProcessView m : members) {
      if (!m.shellWrapper()) {
        return m;
      }
    }
    return members.getFirst();
  }

  private static SignalGate.Target target(FamilyInfo family, ProcessView v) {
    return new SignalGate.Target(v.pid(), v.startTicks(), family.id());
  }

  /** How the launch appears in a stop report: its port's listener (or the recorded port). */
  private Candidate candidate(FamilyInfo family, LaunchRecord r, ProcessView root) {
    ListenerView listener = null;
    if (r.port() > 0) {
      for (ListenerView l : platform.listeners().listeners(p -> p == r.port())) {
        listener = l;
      }
    }
    if (listener == null) {
      listener =
          new ListenerView(
              "127.0.0.1", r.port() > 0 ? r.port() : family.range().from(), false, 0, List.of());
    }
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("launch_id", r.launchId());
    attrs.put("service", r.name());
    Identity id =
        Identity.recordedLive(IdentitySource.REGISTRY, "launch " + r.name() + " on record", attrs);
    return new Candidate(family.id(), listener, root, id);
  }

  // ---------------------------------------------------------------- restart, ensure

  /** {@code kitty restart FAMILY NAME}: stop verified, then start with the recorded command. */
  @SuppressWarnings("try") // the lock is held for the body's duration, never read
  LaunchReport restart(String familyId, String name, StopProgress progress) {
    FamilyInfo family = family(familyId);
    LaunchRegistry registry = new LaunchRegistry(store);
    try (StateStore.Held held = registry.lock(family.id(), checkName(name))) {
      LaunchRecord r = recorded(registry, family, name);
      SignalGate gate = gates.get();
      StopReport stopped = stopLocked(family, r, gate, progress, "restart");
      if (!stopped.failed().isEmpty()) {
        throw new KittyException.Failed(
            "restart of " + name + " stopped at the stop: " + reasons(stopped));
      }
      LaunchRecord started = again(family, r, registry, gate, r.restarts() + 1, "restart");
      return report(started, false, stopped, 1, registry.warnings());
    }
  }

  /**
   * {@code kitty ensure FAMILY NAME}: nothing when the launch is healthy; otherwise whatever is
   * left of it is stopped and it is started again, up to {@link #BACKOFF}'s length of attempts with
   * the waits between them growing exponentially.
   */
  @SuppressWarnings("try") // the lock is held for the body's duration, never read
  LaunchReport ensure(String familyId, String name, StopProgress progress) {
    FamilyInfo family = family(familyId);
    LaunchRegistry registry = new LaunchRegistry(store);
    try (StateStore.Held held = registry.lock(family.id(), checkName(name))) {
      LaunchRecord r = recorded(registry, family, name);
      List<String> notes = new ArrayList<>(registry.warnings());
      String problem = r.meantToRun() ? healthy(r) : "it was " + r.status();
      if (problem == null) {
        return report(r, true, empty(), 0, notes);
      }
      notes.add("launch " + name + " was not healthy: " + problem);
      SignalGate gate = gates.get();
      List<StopReport> stops = new ArrayList<>();
      KittyException.Failed last = null;
      LaunchRecord current = r;
      for (int attempt = 0; attempt < BACKOFF.size(); attempt++) {
        sleep(BACKOFF.get(attempt));
        StopReport s = stopLocked(family, current, gate, progress, "ensure: " + problem);
        stops.add(s);
        if (!s.failed().isEmpty()) {
          throw new KittyException.Failed(
              "ensure of " + name + " could not stop what was left of it: " + reasons(s));
        }
        try {
          LaunchRecord started =
              again(family, current, registry, gate, current.restarts() + 1, "ensure");
          return report(started, false, merge(stops), attempt + 1, notes);
        } catch (KittyException.Failed e) {
          last = e;
          notes.add("attempt " + (attempt + 1) + " failed: " + e.getMessage());
          current = registry.read(family.id(), name).orElse(current);
        }
      }
      throw new KittyException.Failed(
          "launch "
              + name
              + " did not become healthy in "
              + BACKOFF.size()
              + " attempts; last: "
              + (last == null ? "?" : last.getMessage()));
    }
  }

  private LaunchRecord again(
      FamilyInfo family,
      LaunchRecord r,
      LaunchRegistry registry,
      SignalGate gate,
      int restarts,
      String event) {
    LaunchSpec spec = family.family().launchSpec().orElseThrow();
    Integer explicit = parsePort(family, r.portRequest());
    if (explicit == null
        && r.port() > 0
        && !dev.kitty.engine.internal.launch.PortAllocator.taken(r.port())) {
      // An automatic port stays the same across restarts while it is free: bookmarks keep working.
      explicit = r.port();
    }
    Map<String, String> env = new LinkedHashMap<>();
    String test = System.getenv("KITTY_TEST");
    if (test != null) {
      env.put("KITTY_TEST", test);
    }
    return startLocked(
        family,
        spec,
        r.name(),
        r.command(),
        r.shell(),
        r.portRequest(),
        explicit,
        r.healthPath(),
        r.cwd() == null ? null : Path.of(r.cwd()),
        r.scope(),
        env,
        spec.startTimeout(),
        restarts,
        registry,
        gate,
        event);
  }

  private static LaunchRecord recorded(LaunchRegistry registry, FamilyInfo family, String name) {
    return registry
        .read(family.id(), name)
        .orElseThrow(
            () ->
                new KittyException.Usage(
                    "no launch \""
                        + name
                        + "\" of family "
                        + family.id()
                        + " on record; start it with kitty start "
                        + family.id()
                        + " --name "
                        + name
                        + " -- COMMAND"));
  }

  // ---------------------------------------------------------------- status

  /**
   * Every launch on record of the named families (all when none is named), as the machine has it.
   */
  List<LaunchStatus> status(List<String> ids, List<String> warnings) {
    LaunchRegistry registry = new LaunchRegistry(store);
    Set<String> wanted = new HashSet<>();
    kitty.select(ids).forEach(f -> wanted.add(f.id()));
    List<LaunchStatus> out = new ArrayList<>();
    for (LaunchRecord r : registry.all(null)) {
      if (!wanted.contains(r.family())) {
        continue;
      }
      List<ProcessView> members = LaunchMembers.find(platform.processes(), r);
      boolean listening = r.port() > 0 && listeningMember(r);
      String state;
      if (r.meantToRun() && r.status().equals("running")) {
        String problem = healthy(r);
        state = problem == null ? "running" : members.isEmpty() ? "exited" : "unhealthy";
      } else {
        // A start whose kitty died before it was healthy leaves "starting" behind: say so.
        state =
            !members.isEmpty()
                ? "leftovers"
                : r.status().equals("starting") ? "interrupted" : r.status();
      }
      out.add(
          new LaunchStatus(
              r.family(),
              r.name(),
              r.status(),
              state,
              r.launchId(),
              r.pid(),
              r.wrapperPid(),
              r.pgid(),
              r.sid(),
              r.port(),
              listening,
              members,
              LaunchMembers.zombies(platform.processes(), members),
              r.startedAt(),
              r.stoppedAt(),
              r.restarts(),
              r.error(),
              r.command(),
              r.log()));
    }
    warnings.addAll(registry.warnings());
    return out;
  }

  // ---------------------------------------------------------------- watchdog

  @SuppressWarnings("try") // the lock is held for the body's duration, never read
  StopReport stopForRunaway(FamilyInfo family, LaunchRecord r, StopProgress progress, String why) {
    LaunchRegistry registry = new LaunchRegistry(store);
    try (StateStore.Held held = registry.lock(family.id(), r.name())) {
      // Another command may have changed it since the count: act on what is on record now.
      LaunchRecord now = registry.read(family.id(), r.name()).orElse(r);
      StopReport s = stopLocked(family, now, gates.get(), progress, "watchdog: " + why);
      if (now.meantToRun() && s.failed().isEmpty()) {
        registry.write(
            registry
                .read(family.id(), r.name())
                .orElse(now)
                .with("stopped", Instant.now().toString(), "watchdog: " + why));
      }
      return s;
    }
  }

  // ---------------------------------------------------------------- helpers

  private LaunchReport report(
      LaunchRecord r, boolean reused, StopReport stopped, int attempts, List<String> notes) {
    return new LaunchReport(
        r.family(),
        r.name(),
        r.pid(),
        r.wrapperPid(),
        r.pgid(),
        r.port(),
        r.launchId(),
        reused,
        stopped,
        attempts,
        notes);
  }

  private StopReport empty() {
    return new StopReport(List.of(), List.of(), List.of(), false, signallerUsed.get());
  }

  StopReport merge(List<StopReport> parts) {
    List<StopReport.Entry> swept = new ArrayList<>();
    List<StopReport.Entry> skipped = new ArrayList<>();
    List<StopReport.Entry> failed = new ArrayList<>();
    for (StopReport p : parts) {
      swept.addAll(p.swept());
      skipped.addAll(p.skipped());
      failed.addAll(p.failed());
    }
    return new StopReport(swept, skipped, failed, false, signallerUsed.get());
  }

  private static String reasons(StopReport r) {
    return String.join("; ", r.failed().stream().map(StopReport.Entry::reason).toList());
  }

  private static void sleep(Duration d) {
    if (d.isZero()) {
      return;
    }
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KittyException.Failed("interrupted");
    }
  }
}
