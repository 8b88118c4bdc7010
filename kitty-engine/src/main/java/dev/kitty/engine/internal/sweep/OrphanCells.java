package dev.kitty.engine.internal.sweep;

import dev.kitty.api.CleanupClass;
import dev.kitty.api.ProcessView;
import dev.kitty.engine.internal.contain.Cell;
import dev.kitty.engine.internal.contain.Containment;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.discovery.ProcessNode;
import dev.kitty.engine.internal.signal.SignalGate;
import dev.kitty.engine.internal.state.LaunchRecord;
import dev.kitty.engine.internal.state.StateStore;
import dev.kitty.engine.model.OrphanCell;
import dev.kitty.engine.model.StateRecord;
import dev.kitty.engine.model.StopReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cgroups of this state dir that still hold processes while no running launch owns them (ADR
 * 31): what a launch that stopped or failed left inside ({@code safe_auto}: its record says whose
 * it was and when it started), and cells no record names ({@code operator_required}). Found for
 * {@code doctor}; killed for {@code cleanup} and {@code doctor --reset} with {@code cgroup.kill},
 * through the gate, which checks every member as for any cell.
 */
public final class OrphanCells {

  /** The family name a cell's kill is admitted and audited under when nothing names its family. */
  static final String NO_FAMILY = "kitty";

  /** How long a killed cell may take to be empty. */
  private static final Duration EMPTY = Duration.ofSeconds(2);

  /**
   * How old a cell no record names must be to count as an orphan: a start writes its record before
   * its process enters the cell, so a younger one is given the benefit of a start in progress.
   */
  private static final Duration UNRECORDED_AGE = Duration.ofSeconds(60);

  /** The owner of the cells whose record could not be read: never an orphan, doctor names it. */
  private static final Owner UNREADABLE = new Owner(null, "?", true, -1);

  /**
   * One orphan.
   *
   * @param view what is reported
   * @param cell the cgroup
   * @param floorTicks no member started before this (the launch's floor, or the cell's making)
   */
  public record Found(OrphanCell view, Cell cell, long floorTicks) {}

  /** What a record says of the launch a cell was made for. */
  private record Owner(String family, String name, boolean running, long floorTicks) {}

  private final Platform platform;
  private final StateStore store;

  /** The orphans of {@code store}'s cells on {@code platform}. */
  public OrphanCells(Platform platform, StateStore store) {
    this.platform = platform;
    this.store = store;
  }

  /**
   * The orphaned cells of the families {@code ids} ({@code all}: also those whose family nothing
   * names).
   */
  public List<Found> find(Set<String> ids, boolean all) {
    Containment containment = platform.containment();
    List<Found> out = new ArrayList<>();
    // The members first, the records after: a start records itself before its first process
    // enters its cell, so a cell seen populated here is on record by the time the records are read.
    Map<Cell, List<Long>> populated = new java.util.LinkedHashMap<>();
    for (Cell cell : containment.cells(store.cellKey())) {
      List<Long> pids = containment.members(cell);
      if (!pids.isEmpty()) {
        populated.put(cell, pids); // empty ones are pruned by sweeps, never killed
      }
    }
    if (populated.isEmpty()) {
      return out;
    }
    Map<String, Owner> owners = owners();
    for (var e : populated.entrySet()) {
      Cell cell = e.getKey();
      List<Long> pids = e.getValue();
      String launchId = java.nio.file.Path.of(cell.path()).getFileName().toString();
      Owner owner = owners.get(launchId);
      if (owner != null && owner.running()) {
        continue; // its launch runs (or its record cannot be read): its stop deals with its cell
      }
      if (owner == null && !olderThan(cell, UNRECORDED_AGE)) {
        continue;
      }
      String family = owner != null ? owner.family() : familyOf(pids);
      if (family == null ? !all : !all && !ids.contains(family)) {
        continue;
      }
      OrphanCell view =
          new OrphanCell(
              cell.path(),
              launchId,
              family,
              owner != null ? CleanupClass.SAFE_AUTO : CleanupClass.OPERATOR_REQUIRED,
              pids,
              owner != null
                  ? "launch "
                      + owner.name()
                      + " of "
                      + family
                      + " ended; "
                      + count(pids.size())
                      + " it started still in its cgroup"
                  : "no launch on record names this kitty cgroup; "
                      + count(pids.size())
                      + " in it");
      // Nothing in the cell may be older than the launch, nor than the cell itself (-1: unknown).
      long made = madeTicks(cell);
      out.add(new Found(view, cell, owner == null ? made : Math.max(made, owner.floorTicks())));
    }
    return out;
  }

  /**
   * Kills {@code f}'s cell through {@code gate} and removes it once empty (in a dry run, asks the
   * gate only whether it would). A kill the gate refuses is {@code failed}, or {@code skipped} with
   * {@code refusalSkips}.
   */
  StopReport.CellOutcome stop(Found f, SignalGate gate, boolean dryRun, boolean refusalSkips) {
    String family = f.view().family() == null ? NO_FAMILY : f.view().family();
    if (f.floorTicks() < 0) {
      return new StopReport.CellOutcome(
          f.view(), "skipped", "when the cgroup was made is unknown: its members cannot be proven");
    }
    if (dryRun) {
      return new StopReport.CellOutcome(
          f.view(), "would_kill", "would kill the cgroup (cgroup.kill), its members checked first");
    }
    Owner now = owners().get(f.view().launchId());
    if (now != null && now.running()) {
      return new StopReport.CellOutcome(
          f.view(), "skipped", "its launch is running again: its own stop deals with it");
    }
    gate.admitLaunch(f.view().launchId(), family, f.floorTicks());
    var killed = gate.killCell(family, f.view().launchId(), f.cell());
    if (!killed.sent()) {
      return new StopReport.CellOutcome(
          f.view(),
          refusalSkips && !killed.verdict().allowed() ? "skipped" : "failed",
          "not killed: " + (killed.error() != null ? killed.error() : killed.verdict().reason()));
    }
    if (!platform.containment().awaitEmpty(f.cell(), EMPTY)) {
      return new StopReport.CellOutcome(
          f.view(),
          "failed",
          "killed, but still holds " + platform.containment().members(f.cell()) + " after 2 s");
    }
    platform.containment().remove(f.cell());
    return new StopReport.CellOutcome(
        f.view(), "killed", count(f.view().pids().size()) + " killed (cgroup.kill)");
  }

  /** Every launch id on record with what owns it: named launches and singletons alike. */
  private Map<String, Owner> owners() {
    Map<String, Owner> out = new HashMap<>();
    for (StateRecord sr : store.records()) {
      Map<String, Object> d = sr.data();
      if (d == null || !(d.get("launch_id") instanceof String id)) {
        continue;
      }
      if ("launch".equals(d.get("kind"))) {
        try {
          LaunchRecord r = LaunchRecord.fromJson(d);
          out.put(id, new Owner(r.family(), r.name(), r.meantToRun(), r.notBeforeTicks()));
        } catch (IllegalArgumentException unreadable) {
          // Not proof that it ended: its cell is left alone, and doctor names the record.
          out.put(id, UNREADABLE);
        }
      } else if (d.get("family") instanceof String family
          && d.get("pid") instanceof Number pid
          && d.get("start_ticks") instanceof Number ticks) {
        // A singleton's record (sync ensure, dashboard): running while its daemon is.
        boolean alive = platform.processes().aliveAs(pid.longValue(), ticks.longValue());
        out.put(id, new Owner(family, "singleton " + family, alive, ticks.longValue()));
      }
    }
    return out;
  }

  /**
   * What a daemon that {@code cleanup}/{@code reset} stopped left in its own cell {@code cell} (ADR
   * 31): a cell of this state dir, named by the daemon's launch cookie, of no launch that runs on
   * record, with the daemon's start as the floor. Empty when there is nothing of the kind: an empty
   * cell, or one the daemon was only started in (it belongs to that launch, whose stop deals with
   * it).
   */
  java.util.Optional<Found> leftover(String family, ProcessView daemon, Cell cell) {
    Containment containment = platform.containment();
    List<Long> pids = containment.members(cell);
    String launchId = java.nio.file.Path.of(cell.path()).getFileName().toString();
    Owner owner = owners().get(launchId);
    if (pids.isEmpty()
        || !launchId.equals(daemon.cookies().get(ProcessView.LAUNCH_COOKIE))
        || !containment.inState(cell, store.cellKey())
        || owner != null && owner.running()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        new Found(
            new OrphanCell(
                cell.path(),
                launchId,
                family,
                CleanupClass.SAFE_AUTO,
                pids,
                "left in the cgroup of the daemon at pid " + daemon.pid() + ", stopped"),
            cell,
            daemon.startTicks()));
  }

  private boolean olderThan(Cell cell, Duration age) {
    return platform
        .containment()
        .madeAt(cell)
        .map(m -> m.isBefore(Instant.now().minus(age)))
        .orElse(false);
  }

  /** The {@code KITTY_FAMILY} a process in the cell carries, if one does. */
  private String familyOf(List<Long> pids) {
    for (long pid : pids) {
      String f =
          platform
              .processes()
              .view(pid)
              .map(ProcessView::cookies)
              .map(c -> c.get("KITTY_FAMILY"))
              .orElse(null);
      if (f != null && f.matches("[a-z][a-z0-9-]{0,31}")) {
        return f;
      }
    }
    return null;
  }

  /**
   * The cell's making in the process table's ticks, a second early: kitty's own process gives how
   * ticks and wall time line up. The table's wall times come from the boot time, which /proc gives
   * in whole seconds, so the line-up can be up to a second late; a floor a second early only admits
   * what was already there a second before the cell was (something root moved in that fast). -1
   * when either is unknown.
   */
  private long madeTicks(Cell cell) {
    long self = ProcessHandle.current().pid();
    Instant made = platform.containment().madeAt(cell).orElse(null);
    Instant myStart = platform.processes().view(self).map(ProcessView::startTime).orElse(null);
    long myTicks = platform.processes().node(self).map(ProcessNode::startTicks).orElse(-1L);
    if (made == null || myStart == null || myTicks < 0) {
      return -1;
    }
    // USER_HZ: /proc's start times are in hundredths of a second on every Linux ABI.
    return Math.max(0, myTicks + Duration.between(myStart, made).toMillis() / 10 - 101);
  }

  private static String count(int n) {
    return n + (n == 1 ? " process" : " processes");
  }
}
