package dev.kitty.engine.internal.launch;

import dev.kitty.api.LaunchSpec;
import dev.kitty.api.ProcessView;
import dev.kitty.api.StopPlan;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.registry.FamilySelector;
import dev.kitty.engine.internal.signal.SignalGate;
import dev.kitty.engine.internal.state.LaunchRecord;
import dev.kitty.engine.internal.state.LaunchRegistry;
import dev.kitty.engine.internal.state.StateStore;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.KittyException;
import dev.kitty.engine.model.LaunchReport;
import dev.kitty.engine.model.LaunchRequest;
import dev.kitty.engine.model.LaunchStatus;
import dev.kitty.engine.model.StopProgress;
import dev.kitty.engine.model.StopReport;
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
import java.util.function.Supplier;

/**
 * Named launches of a family: {@code start}, {@code stop}, {@code restart}, {@code ensure}, {@code
 * status} and the runaway watchdog. Every change to one name happens under that name's lock, so
 * parallel commands queue and there is at most one tree per name. A launch is found again by its
 * cookie and session, never by its name or port alone.
 */
public final class Launches {

  /** How long {@code ensure} waits before its attempts after the first. */
  static final List<Duration> BACKOFF =
      List.of(
          Duration.ZERO,
          Duration.ofMillis(500),
          Duration.ofSeconds(1),
          Duration.ofSeconds(2),
          Duration.ofSeconds(4));

  /** The port request of a launch that listens on no port (a stack's worker service). */
  public static final String NO_PORT = "none";

  private final FamilySelector families;
  private final Platform platform;
  private final StateStore store;
  private final Supplier<SignalGate> gates;
  private final Supplier<String> signallerUsed;
  private final LaunchHealth health;
  private final LaunchStarter starter;
  private final LaunchStopper stopper;

  /**
   * Named launches over one state dir.
   *
   * @param gates a gate per command (its signaller is made on first need)
   * @param signallerUsed the signaller's name once one was used, for the reports
   */
  public Launches(
      FamilySelector families,
      Platform platform,
      StateStore store,
      Supplier<SignalGate> gates,
      Supplier<String> signallerUsed) {
    this.families = families;
    this.platform = platform;
    this.store = store;
    this.gates = gates;
    this.signallerUsed = signallerUsed;
    this.health = new LaunchHealth(platform);
    this.starter = new LaunchStarter(platform, store, health);
    this.stopper = new LaunchStopper(platform, store, health, signallerUsed);
  }

  /**
   * The name, when it is a valid launch name.
   *
   * @throws KittyException.Usage when it is not
   */
  public static String checkName(String name) {
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
  public LaunchReport start(LaunchRequest req, StopProgress progress) {
    FamilyInfo family = families.launching(req.family());
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
    Integer explicit = LaunchStarter.parsePort(family, req.port());
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
        if (p.meantToRun() && health.healthy(p) == null) {
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
        stopped = stopper.stopLocked(family, p, gate, progress, "replaced by a new start");
        if (!stopped.failed().isEmpty()) {
          throw new KittyException.Failed(
              "launch "
                  + name
                  + " could not be stopped before starting it again: "
                  + reasons(stopped));
        }
      }
      List<String> unenforced = platform.containment().unenforced(req.confinement());
      if (!unenforced.isEmpty()) {
        notes.add(
            "launch "
                + name
                + ": not enforced by the kernel here: "
                + String.join(", ", unenforced)
                + " (kitty doctor shows the containment)");
      }
      LaunchRecord started =
          starter.startLocked(
              new StartPlan(
                  family,
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
                  previous.isPresent() ? "start (replacing)" : "start",
                  req.confinement()),
              registry,
              gate);
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

  // ---------------------------------------------------------------- stop

  /**
   * {@code kitty stop FAMILY NAME} (or every launch of the family when {@code name} is null).
   *
   * @throws KittyException.Usage when no launch of that name is on record
   */
  @SuppressWarnings("try") // the lock is held for the body's duration, never read
  public StopReport stop(String familyId, String name, StopProgress progress) {
    return stop(familyId, name, null, progress, "stopped by the operator");
  }

  /**
   * As {@link #stop(String, String, StopProgress)} with {@code plan} instead of the family's (null:
   * the family's), recording {@code why}.
   */
  @SuppressWarnings("try") // the lock is held for the body's duration, never read
  public StopReport stop(
      String familyId, String name, StopPlan plan, StopProgress progress, String why) {
    FamilyInfo family = families.launching(familyId);
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
        parts.add(stopper.stopLocked(family, r.get(), gates.get(), progress, why, plan));
      }
    }
    return merge(parts);
  }

  // ---------------------------------------------------------------- restart, ensure

  /** {@code kitty restart FAMILY NAME}: stop verified, then start with the recorded command. */
  @SuppressWarnings("try") // the lock is held for the body's duration, never read
  public LaunchReport restart(String familyId, String name, StopProgress progress) {
    FamilyInfo family = families.launching(familyId);
    LaunchRegistry registry = new LaunchRegistry(store);
    try (StateStore.Held held = registry.lock(family.id(), checkName(name))) {
      LaunchRecord r = recorded(registry, family, name);
      SignalGate gate = gates.get();
      StopReport stopped = stopper.stopLocked(family, r, gate, progress, "restart");
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
  public LaunchReport ensure(String familyId, String name, StopProgress progress) {
    FamilyInfo family = families.launching(familyId);
    LaunchRegistry registry = new LaunchRegistry(store);
    try (StateStore.Held held = registry.lock(family.id(), checkName(name))) {
      LaunchRecord r = recorded(registry, family, name);
      List<String> notes = new ArrayList<>(registry.warnings());
      String problem = r.meantToRun() ? health.healthy(r) : "it was " + r.status();
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
        StopReport s = stopper.stopLocked(family, current, gate, progress, "ensure: " + problem);
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
    Integer explicit = LaunchStarter.parsePort(family, r.portRequest());
    if (explicit == null && r.port() > 0 && !PortAllocator.taken(r.port())) {
      // An automatic port stays the same across restarts while it is free: bookmarks keep working.
      explicit = r.port();
    }
    Map<String, String> env = new LinkedHashMap<>();
    String test = System.getenv("KITTY_TEST");
    if (test != null) {
      env.put("KITTY_TEST", test);
    }
    return starter.startLocked(
        new StartPlan(
            family,
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
            event,
            r.confinement()),
        registry,
        gate);
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
  public List<LaunchStatus> status(List<String> ids, List<String> warnings) {
    LaunchRegistry registry = new LaunchRegistry(store);
    Set<String> wanted = new HashSet<>();
    families.select(ids).forEach(f -> wanted.add(f.id()));
    List<LaunchStatus> out = new ArrayList<>();
    for (LaunchRecord r : registry.all(null)) {
      if (!wanted.contains(r.family())) {
        continue;
      }
      List<ProcessView> members = LaunchMembers.find(platform.processes(), r);
      boolean listening = r.port() > 0 && health.listeningMember(r);
      String state;
      if (r.meantToRun() && r.status().equals("running")) {
        String problem = health.healthy(r);
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
  public StopReport stopForRunaway(
      FamilyInfo family, LaunchRecord r, StopProgress progress, String why) {
    LaunchRegistry registry = new LaunchRegistry(store);
    try (StateStore.Held held = registry.lock(family.id(), r.name())) {
      // Another command may have changed it since the count: act on what is on record now.
      LaunchRecord now = registry.read(family.id(), r.name()).orElse(r);
      StopReport s = stopper.stopLocked(family, now, gates.get(), progress, "watchdog: " + why);
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

  /** Every live process holding a listening socket on {@code port}. */
  public List<ProcessView> portHolders(int port) {
    return health.portHolders(port);
  }

  /** One report of several stops. */
  public StopReport merge(List<StopReport> parts) {
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
