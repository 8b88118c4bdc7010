package dev.kitty.engine.internal.signal;

import dev.kitty.engine.internal.contain.Cell;
import dev.kitty.engine.internal.contain.Containment;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.discovery.ProcessNode;
import java.util.Optional;

/** The gate's rule for a cgroup kill (ADR 29), apart so that the gate stays its policy's size. */
final class CellKill {
  private CellKill() {}

  /**
   * Kills the cell when its launch was admitted for {@code family} and the containment made it
   * (inside its subtree, the recorded id), and no process in it is one the gate protects; audits
   * the decision, with -1 in the pid column.
   */
  static Outcome decide(
      SignalGate gate,
      Platform platform,
      AdmittedLaunches launches,
      AuditLog audit,
      String family,
      String launchId,
      Cell cell) {
    Containment containment = platform.containment();
    Optional<String> notOurs =
        launches.admitted(launchId, family)
            ? containment.notTheCellOf(cell, launchId)
            : Optional.of(
                "launch " + launchId + " of " + family + " is not one this stop admitted");
    // Frozen while its members are checked: none can fork a process the check did not see, or
    // exec into something else, between the check and the kill. A cell that cannot be frozen is
    // still checked, with that window open.
    boolean frozen = notOurs.isEmpty() && containment.freeze(cell, true);
    if (notOurs.isEmpty()) {
      notOurs =
          memberRefused(
              gate,
              platform,
              family,
              cell,
              launches.floor(launchId, family).orElse(Long.MAX_VALUE));
    }
    if (notOurs.isPresent() && frozen) {
      containment.freeze(cell, false);
    }
    if (notOurs.isPresent()) {
      audit.record(family, -1, cell.id(), "cgroup.kill", "refused", notOurs.get(), "not sent");
      return new Outcome(new Verdict(false, false, notOurs.get()), false, null);
    }
    String why = "the cgroup " + cell.path() + " kitty made for launch " + launchId;
    String error;
    if (containment.killsAtOnce()) {
      error = containment.kill(cell);
    } else if (frozen) {
      error = killFrozen(gate, platform, family, cell);
    } else {
      error =
          "the cgroup cannot be frozen, and without cgroup.kill its members could fork past a"
              + " kill of each";
    }
    if (error != null && frozen) {
      containment.freeze(cell, false); // not killed: not left frozen either
    }
    audit.record(
        family, -1, cell.id(), "cgroup.kill", "allowed", why, error == null ? "sent" : error);
    return new Outcome(new Verdict(true, false, why), error == null, error);
  }

  /**
   * KILL to every member of a frozen cell (Linux without {@code cgroup.kill}): frozen, none can
   * fork or exec meanwhile, and a frozen task still dies of SIGKILL. Each is sent through its pidfd
   * with its start stamp checked again; the cell is thawed after, so that the kernel reaps them.
   * Null when every member was sent its KILL.
   */
  private static String killFrozen(SignalGate gate, Platform platform, String family, Cell cell) {
    Containment containment = platform.containment();
    java.util.List<SignalGate.Target> targets = new java.util.ArrayList<>();
    for (long pid : containment.members(cell)) {
      long ticks = platform.processes().node(pid).map(ProcessNode::startTicks).orElse(-1L);
      if (ticks >= 0) {
        targets.add(new SignalGate.Target(pid, ticks, family));
      }
    }
    java.util.List<String> results = gate.signaller().sendAll(targets, Sig.KILL, platform);
    containment.freeze(cell, false);
    java.util.List<String> failed = new java.util.ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      String r = results.get(i);
      if (r != null && !r.equals("gone")) {
        failed.add("pid " + targets.get(i).pid() + ": " + r);
      }
    }
    return failed.isEmpty() ? null : "KILL failed for " + failed;
  }

  /**
   * Why a process in the cell may not die with it, if one may not: being in the cell proves it is
   * the launch's, but the gate's other rules hold for it as for any target — never pid 1, kitty or
   * its ancestors, another user's process, or a holder of another family's port.
   */
  private static Optional<String> memberRefused(
      SignalGate gate, Platform platform, String family, Cell cell, long floor) {
    long since = System.nanoTime();
    var read = platform.containment().readMembers(cell);
    if (read.isEmpty()) {
      return Optional.of("the members of " + cell.path() + " cannot all be read");
    }
    for (long pid : read.get()) {
      long ticks = platform.processes().node(pid).map(ProcessNode::startTicks).orElse(-1L);
      if (ticks < 0) {
        continue; // gone since the cell was read
      }
      if (ticks < floor) {
        // Older than the launch: it was not born in the cell, something moved it in.
        return Optional.of(
            "pid " + pid + " in the cgroup " + cell.path() + " started before the launch");
      }
      Verdict v = gate.identityRules(new SignalGate.Target(pid, ticks, family));
      Optional<String> why =
          v != null && !v.gone()
              ? Optional.of(v.reason())
              : gate.otherFamilysPort(platform.listeners().heldBy(pid, since), family);
      if (why.isPresent()) {
        return Optional.of("pid " + pid + " in the cgroup " + cell.path() + ": " + why.get());
      }
    }
    return Optional.empty();
  }
}
