package dev.kitty.engine.internal.launch;

import dev.kitty.api.Identity;
import dev.kitty.api.IdentitySource;
import dev.kitty.api.ListenerView;
import dev.kitty.api.ProcessView;
import dev.kitty.api.StopPlan;
import dev.kitty.engine.internal.CrashPoints;
import dev.kitty.engine.internal.contain.Cell;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.signal.SignalGate;
import dev.kitty.engine.internal.signal.StopExecutor;
import dev.kitty.engine.internal.state.LaunchRecord;
import dev.kitty.engine.internal.state.LaunchRegistry;
import dev.kitty.engine.internal.state.StateStore;
import dev.kitty.engine.model.Candidate;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.StopProgress;
import dev.kitty.engine.model.StopReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Stops every member of one launch with its family's plan through the gate, in rounds, and records
 * the outcome: the stop half of {@link Launches}.
 */
final class LaunchStopper {

  /**
   * Stop rounds: a member started by a wrapper between the snapshot and the freeze is caught by the
   * next.
   */
  private static final int STOP_ROUNDS = 3;

  private final Platform platform;
  private final StateStore store;
  private final LaunchHealth health;
  private final Supplier<String> signallerUsed;

  LaunchStopper(
      Platform platform, StateStore store, LaunchHealth health, Supplier<String> signallerUsed) {
    this.platform = platform;
    this.store = store;
    this.health = health;
    this.signallerUsed = signallerUsed;
  }

  /**
   * Stops every live member of the launch {@code r} and records the outcome: {@code stopped} when
   * nothing of it is left, {@code failed} naming the survivors otherwise.
   */
  StopReport stopLocked(
      FamilyInfo family, LaunchRecord r, SignalGate gate, StopProgress progress, String why) {
    return stopLocked(family, r, gate, progress, why, null);
  }

  /** As above with {@code plan} instead of the family's (null: the family's). */
  StopReport stopLocked(
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
    // What its plan left in the launch's cgroup (a descendant that dropped the cookie and left the
    // session is still inside) is killed at once, through the gate (ADR 29).
    Cell cell = r.cell().orElse(null);
    String cellProblem = null; // why the cell is not known empty, when it is not
    if (cell != null && platform.containment().populated(cell)) {
      int inside = platform.containment().members(cell).size();
      var killed = gate.killCell(family.id(), r.launchId(), cell);
      if (killed.sent() && platform.containment().awaitEmpty(cell, CELL_EMPTY)) {
        swept.add(
            new StopReport.Entry(
                candidate(family, r, null),
                "cgroup_kill",
                inside + " process" + (inside == 1 ? "" : "es") + " left in its cgroup, killed"));
      } else if (!killed.sent()) {
        cellProblem =
            "its cgroup "
                + cell.path()
                + " was not killed: "
                + (killed.error() != null ? killed.error() : killed.verdict().reason());
        failed.add(new StopReport.Entry(candidate(family, r, null), null, cellProblem));
      }
    }
    List<ProcessView> left = alive(r, cell);
    // What was signalled must be gone and its port free: a descendant that dropped the cookie
    // (env -i) and left the session (setsid) still holds the port, and only the port shows it.
    // When nothing of the launch was running, a later holder of the port is not its business.
    boolean signalled = !swept.isEmpty() || !failed.isEmpty();
    List<ProcessView> holders =
        r.port() > 0 && (signalled || health.listeningMember(r))
            ? health.portHolders(r.port())
            : List.of();
    LaunchRecord after;
    if (cellProblem == null
        && cell != null
        && left.isEmpty()
        && platform.containment().populated(cell)) {
      // Processes kitty cannot see (a nested cgroup, a view it may not read) are still inside.
      cellProblem = "its cgroup " + cell.path() + " still holds processes kitty cannot see";
      failed.add(new StopReport.Entry(candidate(family, r, null), null, cellProblem));
    }
    if (left.isEmpty() && holders.isEmpty() && cellProblem == null) {
      failed.clear();
      if (cell != null) {
        platform.containment().remove(cell);
      }
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
      String survivors =
          alive.isEmpty() && cellProblem != null
              ? cellProblem
              : "still alive after the stop plan: " + alive;
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

  /** How long a killed cgroup may take to be empty. */
  private static final java.time.Duration CELL_EMPTY = java.time.Duration.ofSeconds(2);

  /**
   * What is alive of the launch: its members by cookie and session, and whatever is in its cell.
   */
  private List<ProcessView> alive(LaunchRecord r, Cell cell) {
    List<ProcessView> out = new ArrayList<>(LaunchMembers.find(platform.processes(), r));
    if (cell != null) {
      for (long pid : platform.containment().members(cell)) {
        if (out.stream().noneMatch(v -> v.pid() == pid)) {
          platform.processes().view(pid).ifPresent(out::add);
        }
      }
    }
    return out;
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
    attrs.put(Identity.LAUNCH_ID, r.launchId());
    attrs.put(Identity.SERVICE, r.name());
    Identity id =
        Identity.recordedLive(IdentitySource.REGISTRY, "launch " + r.name() + " on record", attrs);
    return new Candidate(family.id(), listener, root, id);
  }
}
