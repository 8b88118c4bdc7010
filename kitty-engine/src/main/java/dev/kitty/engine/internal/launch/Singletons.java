package dev.kitty.engine.internal.launch;

import dev.kitty.api.LaunchSpec;
import dev.kitty.api.ProcessView;
import dev.kitty.api.support.JsonText;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.identity.Classifier;
import dev.kitty.engine.internal.registry.FamilySelector;
import dev.kitty.engine.internal.signal.Gates;
import dev.kitty.engine.internal.signal.SignalGate;
import dev.kitty.engine.internal.state.StateStore;
import dev.kitty.engine.internal.sweep.Sweeper;
import dev.kitty.engine.model.Candidate;
import dev.kitty.engine.model.EnsureReport;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.KittyException;
import dev.kitty.engine.model.ScanReport;
import dev.kitty.engine.model.StopProgress;
import dev.kitty.engine.model.StopReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * {@code kitty sync ensure} and the dashboard's start: one daemon per family (or per scope of it),
 * started or reused under a lock on it, its record written atomically once it is healthy.
 */
public final class Singletons {

  private final FamilySelector families;
  private final Platform platform;
  private final StateStore store;
  private final Supplier<Classifier> classifiers;
  private final Gates gates;
  private final Sweeper sweeper;

  /** Singletons over one platform and state dir; stale ones are stopped by {@code sweeper}. */
  public Singletons(
      FamilySelector families,
      Platform platform,
      StateStore store,
      Supplier<Classifier> classifiers,
      Gates gates,
      Sweeper sweeper) {
    this.families = families;
    this.platform = platform;
    this.store = store;
    this.classifiers = classifiers;
    this.gates = gates;
    this.sweeper = sweeper;
  }

  /**
   * {@code kitty sync ensure}: the family's singleton, started or reused. Under a lock on the
   * family (across processes, so parallel calls queue), it scans the family's range, stops the
   * {@code safe_auto} daemons (stale ones; never {@code operator_required} or {@code never_touch}),
   * reuses the recorded live daemon if one answers, and otherwise launches one on a free port of
   * the range and records it atomically. For one scope of a family with one daemon per scope (a
   * dashboard per project), the lock and kitty's launch record are the scope's, the live daemon
   * reused is the recorded one whose {@code singleton_scope_id} is {@code scope}, and {@code
   * {scope}} in the launch command is replaced by it; {@code safe_auto} daemons of every scope are
   * stopped first: they are proven stale wherever they belong.
   *
   * @param scope the scope, or null for a family with one singleton
   * @param env extra environment for a daemon this call starts
   * @throws KittyException.Usage when the family launches no daemons
   * @throws KittyException.Failed when a new daemon does not become healthy
   */
  @SuppressWarnings("try") // the lock is held for the body's duration, never read
  public EnsureReport ensure(
      String id, String scope, Map<String, String> env, StopProgress progress) {
    FamilyInfo family = families.launching(id);
    LaunchSpec spec = family.family().launchSpec().orElseThrow();
    String key = scope == null ? id : id + "-" + StateStore.digest(scope);
    Path recordFile = store.singletonRecord(key);
    List<String> notes = new ArrayList<>();
    try (StateStore.Held held = store.lock(key);
        StateStore.Held stopping = sweeper.stopping()) {
      ScanReport scan = classifiers.get().scan(List.of(family));
      SignalGate gate = gates.gate();
      StopReport cleaned = sweeper.cleanStale(scan, progress, gate);
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
        notes.addAll(
            dev.kitty.engine.internal.identity.DisabledFamilies.recordNotes(
                family.id(), family.family(), scope));
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
          if (!PortAllocator.taken(port)) {
            throw e;
          }
        }
      }
      throw last;
    }
  }

  /** The pid a singleton record names, or null when there is none or it cannot be read. */
  private static Long recordedPid(Path file) {
    try {
      Map<String, Object> m =
          dev.kitty.engine.internal.JsonSupport.objectOrNull(
              dev.kitty.api.support.DaemonProof.readSmallFile(file, StateStore.MAX_RECORD_BYTES));
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
              dev.kitty.api.support.DaemonProof.readSmallFile(file, StateStore.MAX_RECORD_BYTES));
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
    if (l.cell() != null) {
      r.put("cgroup", l.cell().path());
      r.put("cgroup_id", l.cell().id());
    }
    r.put("recorded_at", Instant.now().toString());
    return JsonText.write(r) + "\n";
  }

  /**
   * The first free port of the range; when there is none, the error says who holds the range, what
   * kitty could clean, and the one command that does it.
   */
  private static int freePort(FamilyInfo family, Set<Integer> busy, ScanReport scan) {
    var free = PortAllocator.firstFree(family.range(), busy);
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
}
