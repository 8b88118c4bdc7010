package dev.kitty.engine.internal.sweep;

import dev.kitty.api.CleanupClass;
import dev.kitty.api.ProcessView;
import dev.kitty.engine.internal.contain.Cell;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.identity.Classifier;
import dev.kitty.engine.internal.registry.FamilySelector;
import dev.kitty.engine.internal.signal.Gates;
import dev.kitty.engine.internal.signal.SignalGate;
import dev.kitty.engine.internal.signal.StopExecutor;
import dev.kitty.engine.internal.state.StateStore;
import dev.kitty.engine.model.Candidate;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.FamilyScan;
import dev.kitty.engine.model.KittyException;
import dev.kitty.engine.model.ScanReport;
import dev.kitty.engine.model.StopProgress;
import dev.kitty.engine.model.StopReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What stops what a scan found: {@code cleanup} ({@code safe_auto} only), {@code doctor --reset}
 * (also {@code operator_required}), the operator's {@code kill PID} and the owner's stop of one
 * scope, each under the stop lock and through the gate. Every candidate ends in exactly one of the
 * report's arrays.
 */
public final class Sweeper {

  /** How old an empty cgroup of kitty's must be before a sweep removes it (ADR 29). */
  private static final java.time.Duration PRUNE_AGE = java.time.Duration.ofSeconds(60);

  private final FamilySelector families;
  private final Platform platform;
  private final StateStore store;
  private final Supplier<Classifier> classifiers;
  private final Gates gates;

  /** Sweeps over one platform and state dir; {@code classifiers} gives a classifier per scan. */
  public Sweeper(
      FamilySelector families,
      Platform platform,
      StateStore store,
      Supplier<Classifier> classifiers,
      Gates gates) {
    this.families = families;
    this.platform = platform;
    this.store = store;
    this.classifiers = classifiers;
    this.gates = gates;
  }

  /**
   * {@code kitty cleanup}: stops the {@code safe_auto} candidates of the named families (all when
   * none is named), through the signal gate. Everything else is reported as skipped.
   */
  public StopReport cleanup(List<String> ids, boolean dryRun, StopProgress progress) {
    return whileStopping(
        () ->
            withOrphanCells(
                ids,
                execute(classifiers.get().scan(families.select(ids)), true, dryRun, progress),
                true));
  }

  /**
   * {@code kitty doctor --reset}: stops the {@code safe_auto} and {@code operator_required}
   * candidates of the named families; skips {@code never_touch} and recorded live daemons.
   */
  public StopReport reset(List<String> ids, boolean dryRun, StopProgress progress) {
    return whileStopping(
        () ->
            withOrphanCells(
                ids,
                execute(classifiers.get().scan(families.select(ids)), false, dryRun, progress),
                false));
  }

  /**
   * {@code report} plus what became of this state dir's orphaned cgroups of the families {@code
   * ids} (ADR 31): {@code safe_auto} ones killed by {@code cleanup} and reset, the rest by reset
   * only (and only when no family is named, for those no family claims).
   */
  private StopReport withOrphanCells(List<String> ids, StopReport report, boolean autoOnly) {
    OrphanCells orphans = new OrphanCells(platform, store);
    java.util.Set<String> scope = new java.util.HashSet<>();
    families.select(ids).forEach(f -> scope.add(f.id()));
    List<OrphanCells.Found> found = orphans.find(scope, ids.isEmpty());
    if (found.isEmpty()) {
      return report;
    }
    List<StopReport.CellOutcome> cells = new ArrayList<>(report.cells());
    SignalGate gate = gates.gate();
    for (OrphanCells.Found f : found) {
      if (autoOnly && f.view().cleanupClass() != CleanupClass.SAFE_AUTO) {
        cells.add(
            new StopReport.CellOutcome(
                f.view(), "skipped", "operator_required: run kitty doctor --reset"));
      } else {
        cells.add(orphans.stop(f, gate, report.dryRun(), false));
      }
    }
    return new StopReport(
        report.swept(),
        report.skipped(),
        report.failed(),
        report.dryRun(),
        report.signaller(),
        cells);
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
    List<FamilyInfo> scope = families.select(List.of(family));
    ScanReport scan = classifiers.get().scan(scope);
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
    return execute(only, false, true, dryRun, progress, gates.gate());
  }

  /**
   * Held by every command that stops what a scan found, from its scan to its last signal: two kitty
   * processes (a cleanup and a reset, two dashboards' start-up cleanups) must not each act on a
   * scan of the same process — the gate would let both TERM it, and both would report it (issue
   * 10's parallel test caught exactly that). The second waits and then scans what is left.
   */
  public StateStore.Held stopping() {
    return store.lock("stop");
  }

  /** {@code body} (a scan and the stop of what it found) under the stop lock. */
  @SuppressWarnings("try") // the lock is held for the body's duration, never read
  private StopReport whileStopping(java.util.function.Supplier<StopReport> body) {
    try (StateStore.Held stopping = stopping()) {
      return body.get();
    }
  }

  /**
   * Stops the {@code safe_auto} candidates of {@code scan} through {@code gate}, skipping recorded
   * live daemons: what {@code ensure} clears before it reuses or starts a singleton. The caller
   * holds {@link #stopping()}.
   */
  public StopReport cleanStale(ScanReport scan, StopProgress progress, SignalGate gate) {
    return execute(scan, true, false, false, progress, gate);
  }

  /**
   * Stops the candidates of {@code scan} that this path may stop — {@code safe_auto} only when
   * {@code autoOnly} (cleanup), else also {@code operator_required} (reset, kill) — and puts every
   * candidate in exactly one array.
   */
  private StopReport execute(
      ScanReport scan, boolean autoOnly, boolean dryRun, StopProgress progress) {
    return execute(scan, autoOnly, false, dryRun, progress, gates.gate());
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
    List<StopReport.CellOutcome> cellOutcomes = new ArrayList<>();
    StopExecutor executor = new StopExecutor(gate, platform, progress, store);
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
      // The cgroups kitty made for these daemons (ADR 29), read while they are alive, so that
      // the cells of the ones that went can be removed: a cell with a member is never one a start
      // is still making.
      Map<Long, Cell> cells = new HashMap<>();
      for (Candidate c : targets) {
        platform.containment().cellOf(c.pid()).ifPresent(cell -> cells.put(c.pid(), cell));
      }
      for (StopExecutor.Result r : executor.stop(fs.family(), targets)) {
        switch (r.kind()) {
          case SWEPT -> swept.add(r.entry());
          case SKIPPED -> skipped.add(r.entry());
          case FAILED -> failed.add(r.entry());
        }
        Cell cell = cells.get(r.entry().candidate().pid());
        if (cell != null && r.kind() == StopExecutor.Kind.SWEPT) {
          leftovers(fs.family().id(), r.entry().candidate(), cell, gate)
              .ifPresent(cellOutcomes::add);
        }
      }
      cells.values().forEach(platform.containment()::remove);
    }
    if (!dryRun) {
      platform.containment().pruneEmpty(PRUNE_AGE);
    }
    return new StopReport(swept, skipped, failed, dryRun, gates.signallerUsed(), cellOutcomes);
  }

  /**
   * What a stopped daemon left in its cgroup (a descendant that outlived its plan), killed through
   * the gate as the daemon's launch (ADR 31): the cell is named by the daemon's own launch cookie,
   * and nothing in it may be older than the daemon. Empty when there is nothing to kill.
   */
  private Optional<StopReport.CellOutcome> leftovers(
      String family, Candidate daemon, Cell cell, SignalGate gate) {
    OrphanCells orphans = new OrphanCells(platform, store);
    // Refused by the gate (something in it older than the daemon): not this cleanup's to end.
    return orphans
        .leftover(family, daemon.process(), cell)
        .map(f -> orphans.stop(f, gate, false, true));
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
    FamilyInfo family = families.one(id);
    ScanReport scan = classifiers.get().scan(List.of(family));
    List<Candidate> mine =
        scan.candidates()
            .filter(c -> c.identity().scope().filter(scope::equals).isPresent())
            .toList();
    ScanReport only = new ScanReport(List.of(new FamilyScan(family, mine)), scan.warnings());
    return execute(only, false, true, dryRun, progress, gates.gate());
  }
}
