package dev.kitty.engine.internal.signal;

import dev.kitty.api.ListenerView;
import dev.kitty.engine.internal.contain.Cell;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.discovery.ProcessNode;
import dev.kitty.engine.internal.discovery.ProcessSnapshot;
import dev.kitty.engine.internal.registry.FamilyRegistry;
import dev.kitty.engine.model.FamilyInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The only code in kitty that may signal a process (ADR 12). Before every signal it re-reads the
 * target and refuses, with a recorded reason, unless all of these hold:
 *
 * <ol>
 *   <li>the pid is above 1 and is neither kitty nor one of kitty's ancestors;
 *   <li>the process still has the start time captured when it was classified (unknown refuses);
 *   <li>it belongs to kitty's user (another user's only as root with {@code --all-users});
 *   <li>it holds no listener in another family's range;
 *   <li>it holds a listener in the acting family's range, or it is a member of a daemon this gate
 *       already approved, snapshotted at the moment the daemon was approved (before anything was
 *       signalled): a shell wrapper above it that the family named and that really is its ancestor
 *       and a shell, or a descendant started no earlier than its parent; or a member of a launch
 *       this family made in this run ({@link #admitLaunch}): it carries the launch's {@code
 *       KITTY_LAUNCH_ID} cookie and started no earlier than the launch.
 * </ol>
 *
 * <p>On Linux signals go through {@code pidfd_open} + {@code pidfd_send_signal}: the pidfd is
 * opened, the start time checked again, and only then is the signal sent to that very process, so a
 * pid reused between the check and the signal can never be hit. Groups get {@code kill(-pgid)} only
 * when every member of the group passes the rules ({@link PidfdSignaller}). On Windows the {@link
 * Win32Signaller} does the same with process handles: {@code OpenProcess}, the creation time
 * checked again, then {@code TerminateProcess} (for TERM and KILL alike, as {@code taskkill /F}) or
 * {@code NtSuspendProcess}/{@code NtResumeProcess} (freeze) through that handle. A tree is stopped
 * the way {@code taskkill /T /F} would, but from the snapshot: the shell wrappers the family named
 * first (a {@code cmd.exe} loop cannot respawn what it no longer runs), then the daemon, then every
 * descendant started after its parent — a child whose recorded parent pid was reused by an
 * unrelated process is never taken for a member, which {@code taskkill /T} cannot promise.
 * Elsewhere (macOS, kernels without pidfd, native access not granted) the fallback is {@link
 * ProcessHandle#destroy()} / {@link ProcessHandle#destroyForcibly()} ({@link HandleSignaller}),
 * which knows only TERM and KILL and cannot freeze; {@code doctor} shows which signaller is in use.
 * The gate is the policy; the {@link Signaller}s only deliver, through the calls that {@code
 * internal.os} binds (ADR 28).
 *
 * <p>Every decision is written to the {@link AuditLog}. The architecture test fails the build if an
 * FFM downcall is bound outside {@code internal.os}, if anything outside this package uses the
 * signal calls bound there, or if anything but {@link HandleSignaller} calls {@code destroy}.
 */
public final class SignalGate {

  /**
   * A process the gate is asked to signal, as it was when classified.
   *
   * @param pid the pid
   * @param startTicks its start stamp at classification (-1: unknown, always refused)
   * @param family the acting family's id
   */
  public record Target(long pid, long startTicks, String family) {}

  private final Platform platform;
  private final FamilyRegistry registry;
  private final Supplier<Signaller> signallerSource;
  private Signaller signaller;
  private final AuditLog audit;
  private final boolean allUsers;
  private final int me;
  private final Set<Long> protectedPids = new HashSet<>();

  /** Every member snapshotted at an approval, by pid: its start stamp and its daemon's root pid. */
  private record Member(long startTicks, long root) {}

  private final Map<Long, Member> members = new HashMap<>();

  private final AdmittedLaunches launches = new AdmittedLaunches();

  /** A gate over {@code platform}; {@code allUsers} counts only when kitty runs as root. */
  public SignalGate(
      Platform platform,
      FamilyRegistry registry,
      Signaller signaller,
      AuditLog audit,
      boolean allUsers) {
    this(platform, registry, () -> signaller, audit, allUsers);
  }

  /**
   * A gate whose signaller is made on first need: loading the FFM signaller costs a cold CLI
   * milliseconds that a cleanup with nothing to stop should not pay.
   */
  public SignalGate(
      Platform platform,
      FamilyRegistry registry,
      Supplier<Signaller> signallerSource,
      AuditLog audit,
      boolean allUsers) {
    this.platform = platform;
    this.registry = registry;
    this.signallerSource = signallerSource;
    this.audit = audit;
    this.allUsers = allUsers;
    this.me = platform.processes().currentUid();
    for (ProcessHandle h = ProcessHandle.current(); h != null; h = h.parent().orElse(null)) {
      protectedPids.add(h.pid());
    }
  }

  synchronized Signaller signaller() {
    if (signaller == null) {
      signaller = signallerSource.get();
    }
    return signaller;
  }

  /** The verdict for {@code t}, without signalling. */
  public synchronized Verdict check(Target t) {
    return checked(t, System.nanoTime()).verdict();
  }

  /**
   * A verdict and the listeners the target held when it was made (empty when the check refused
   * before reading them): approving a daemon needs both, and reading a process's open files is the
   * dearest part of a check.
   */
  private record Checked(Verdict verdict, List<ListenerView> held) {}

  /**
   * @param since when the decision this check is part of began: the socket tables are read again
   *     unless they were read since then
   */
  private Checked checked(Target t, long since) {
    Verdict before = identityRules(t);
    if (before != null) {
      return new Checked(before, List.of());
    }
    Optional<FamilyInfo> acting = registry.find(t.family());
    if (acting.isEmpty()) {
      return new Checked(refuse(false, "family " + t.family() + " is not loaded"), List.of());
    }
    List<ListenerView> held = platform.listeners().heldBy(t.pid(), since);
    return new Checked(reachRules(t, acting.get(), held), held);
  }

  /** Rules 1 to 3: which process this is and whose; null when they pass. */
  Verdict identityRules(Target t) {
    if (t.pid() <= 1) {
      return refuse(false, "pid " + t.pid() + " is never signalled");
    }
    if (protectedPids.contains(t.pid())) {
      return refuse(false, "pid " + t.pid() + " is kitty itself or one of its ancestors");
    }
    if (t.startTicks() < 0) {
      return refuse(false, "start time of pid " + t.pid() + " was unknown when it was classified");
    }
    var node = platform.processes().node(t.pid());
    if (node.isEmpty() || node.get().zombie()) {
      return refuse(true, "already gone");
    }
    if (node.get().startTicks() != t.startTicks()) {
      return refuse(
          true, "pid " + t.pid() + " now names another process (start time changed): already gone");
    }
    int uid = platform.processes().uid(t.pid());
    if (uid >= 0 && me >= 0 && uid != me && !(allUsers && me == 0)) {
      String user =
          platform.processes().view(t.pid()).map(dev.kitty.api.ProcessView::user).orElse("?");
      return refuse(false, "owned by user " + user + " (uid " + uid + "), not kitty's user");
    }
    return null;
  }

  /** Rules 4 and 5: what it holds, or whose daemon it is a member of. */
  private Verdict reachRules(Target t, FamilyInfo acting, List<ListenerView> held) {
    Optional<String> foreign = otherFamilysPort(held, t.family());
    if (foreign.isPresent()) {
      return refuse(false, foreign.get());
    }
    for (ListenerView l : held) {
      if (acting.range().contains(l.port())) {
        return new Verdict(
            true, false, "holds port " + l.port() + " in " + t.family() + "'s range");
      }
    }
    Member m = members.get(t.pid());
    if (m != null && m.startTicks() == t.startTicks()) {
      return new Verdict(
          true,
          false,
          "member of the daemon at pid " + m.root() + ", snapshotted before it was signalled");
    }
    Optional<String> launch = launches.memberOf(t, platform.processes());
    if (launch.isPresent()) {
      return new Verdict(
          true, false, "member of launch " + launch.get() + ", started after the launch)");
    }
    return refuse(
        false,
        "holds no listener in "
            + t.family()
            + "'s range "
            + acting.range()
            + " and is not a member of a daemon it stops");
  }

  /**
   * Tells the gate about a launch this family just made: a process that carries {@code launchId} as
   * its {@code KITTY_LAUNCH_ID} and started no earlier than {@code notBeforeTicks} (a start stamp
   * in the process table's own unit: kitty's own process's, since a launch is always younger than
   * the kitty that made it) is a member of a daemon this family launched. The cookie is a fresh
   * random id, so nothing else carries it. Start stamps, not wall-clock times: /proc's start times
   * are derived from a boot time with one-second resolution and drift from the wall clock.
   */
  public synchronized void admitLaunch(String launchId, String family, long notBeforeTicks) {
    admitLaunch(launchId, family, notBeforeTicks, -1, -1);
  }

  /**
   * As {@link #admitLaunch(String, String, long)} for a launch on record whose session is {@code
   * sid}: a process in that session that started no earlier than {@code notBeforeTicks} is a member
   * too, even if it dropped the cookie from its environment — but only while the session's leader
   * (the pid equal to {@code sid}, the launch's first process, which kitty made a session leader)
   * is alive with the start stamp {@code leaderTicks}. Once the launch's session is gone, the
   * kernel may give that pid to a stranger that calls {@code setsid}; a bare session id never
   * admits anything (ADR 19 addendum).
   */
  public synchronized void admitLaunch(
      String launchId, String family, long notBeforeTicks, long sid, long leaderTicks) {
    launches.add(launchId, family, notBeforeTicks, sid, leaderTicks);
  }

  private static Verdict refuse(boolean gone, String reason) {
    return new Verdict(false, gone, reason);
  }

  /**
   * Approves {@code root} as a daemon to stop and snapshots its members before anything is
   * signalled: the shell wrappers above it that the family named ({@code wrapperPids}) and that
   * really are its ancestors and shell wrappers ({@code sh -c}, {@code cmd /c}), and every
   * descendant of the outermost of them (children started no earlier than their parent).
   */
  public synchronized Approval approveRoot(Target root, List<Long> wrapperPids) {
    return approveAll(List.of(root), List.of(wrapperPids)).getFirst();
  }

  /**
   * {@link #approveRoot} for many daemons over one snapshot of the process table, taken before any
   * of them is signalled.
   */
  public synchronized List<Approval> approveAll(List<Target> roots, List<List<Long>> wrapperPids) {
    long since = System.nanoTime();
    ProcessSnapshot snap = new ProcessSnapshot(platform.processes());
    List<Approval> out = new ArrayList<>();
    for (int i = 0; i < roots.size(); i++) {
      out.add(approve(roots.get(i), wrapperPids.get(i), snap, since));
    }
    return out;
  }

  private Approval approve(Target root, List<Long> wrapperPids, ProcessSnapshot snap, long since) {
    Checked checked = checked(root, since);
    Verdict v = checked.verdict();
    audit.record(
        root.family(),
        root.pid(),
        root.startTicks(),
        "-",
        v.allowed() ? "approved" : "refused",
        v.reason(),
        "snapshot");
    if (!v.allowed()) {
      return new Approval(v, List.of(), List.of());
    }
    List<Target> descendants = new ArrayList<>();
    Set<Long> passThrough = new HashSet<>(List.of(root.pid()));
    // Wrappers: only ancestors of the root, only shell wrappers, never kitty's own ancestors.
    ProcessNode top = snap.nodes().get(root.pid());
    List<Target> wrappers = new ArrayList<>();
    for (ProcessNode a : snap.ancestors(root.pid())) {
      if (!wrapperPids.contains(a.pid())
          || protectedPids.contains(a.pid())
          || !platform
              .processes()
              .view(a.pid())
              .map(dev.kitty.api.ProcessView::shellWrapper)
              .orElse(false)
          || otherFamilysPort(platform.listeners().heldBy(a.pid(), since), root.family())
              .isPresent()) {
        break;
      }
      wrappers.addFirst(new Target(a.pid(), a.startTicks(), root.family()));
      top = a;
    }
    for (Target w : wrappers) {
      passThrough.add(w.pid());
      remember(w, root.pid());
    }
    if (top == null) {
      return new Approval(v, List.copyOf(wrappers), List.of());
    }
    long topStart = top.startTicks();
    Set<Long> rootSockets = new HashSet<>();
    checked.held().forEach(l -> rootSockets.add(l.inode()));
    List<Long> frontier = new ArrayList<>(List.of(top.pid()));
    Set<Long> visited = new HashSet<>(List.of(top.pid()));
    while (!frontier.isEmpty()) {
      long p = frontier.removeLast();
      for (ProcessNode child : snap.childNodes(p)) {
        if (child.startTicks() < topStart || !visited.add(child.pid())) {
          continue;
        }
        if (passThrough.contains(child.pid())) {
          // The root or a wrapper below the outermost one: walk through it, it is no new member.
          frontier.add(child.pid());
          continue;
        }
        // A descendant with a listener of its own in a family range is its own candidate, judged
        // by its own class: it and its subtree are not members of this daemon.
        if (protectedPids.contains(child.pid())
            || holdsOwnListener(child.pid(), rootSockets, since)) {
          continue;
        }
        Target t = new Target(child.pid(), child.startTicks(), root.family());
        remember(t, root.pid());
        descendants.add(t);
        frontier.add(child.pid());
      }
    }
    return new Approval(v, List.copyOf(wrappers), List.copyOf(descendants));
  }

  private boolean holdsOwnListener(long pid, Set<Long> rootSockets, long since) {
    return platform.listeners().heldBy(pid, since).stream()
        .anyMatch(l -> registry.owning(l.port()).isPresent() && !rootSockets.contains(l.inode()));
  }

  private void remember(Target member, long root) {
    members.put(member.pid(), new Member(member.startTicks(), root));
  }

  /** Why {@code held} makes a process untouchable for {@code family}: a port of another family. */
  Optional<String> otherFamilysPort(List<ListenerView> held, String family) {
    for (ListenerView l : held) {
      Optional<FamilyInfo> owner = registry.owning(l.port());
      if (owner.isPresent() && !owner.get().id().equals(family)) {
        return Optional.of(
            "holds port "
                + l.port()
                + " in family "
                + owner.get().id()
                + "'s range "
                + owner.get().range());
      }
    }
    return Optional.empty();
  }

  /** Kills launch {@code launchId}'s cgroup at once, if it is kitty's (ADR 29); audited. */
  public synchronized Outcome killCell(String family, String launchId, Cell cell) {
    return CellKill.decide(this, platform, launches, audit, family, launchId, cell);
  }

  /** Checks {@code t} again and, if allowed, sends {@code sig}. Every call is audited. */
  public Outcome signal(Target t, Sig sig) {
    return signalAll(List.of(t), sig).getFirst();
  }

  /**
   * Checks every target again, then sends {@code sig} to all that pass in one burst. Every decision
   * is audited; the outcomes are in the targets' order.
   *
   * <p>Why checks first and one burst after: a hundred daemons that received TERM compete with
   * kitty for the CPU while they shut down, so every check made after the first TERM waits its turn
   * behind them. All checks now run while the targets are still idle; the pidfd signaller pins
   * every target before any is signalled, so a pid reused in between is still refused.
   */
  public List<Outcome> signalAll(List<Target> targets, Sig sig) {
    Outcome[] out = new Outcome[targets.size()];
    List<Integer> allowed = new ArrayList<>();
    List<Verdict> verdicts = new ArrayList<>();
    long since = System.nanoTime();
    synchronized (this) {
      for (Target t : targets) {
        verdicts.add(checked(t, since).verdict());
      }
    }
    Signaller signaller = null;
    for (int i = 0; i < targets.size(); i++) {
      Target t = targets.get(i);
      Verdict v = verdicts.get(i);
      if (!v.allowed()) {
        audit.record(
            t.family(), t.pid(), t.startTicks(), sig.name(), "refused", v.reason(), "not sent");
        out[i] = new Outcome(v, false, null);
        continue;
      }
      signaller = signaller == null ? signaller() : signaller;
      if ((sig == Sig.STOP || sig == Sig.CONT) && !signaller.canFreeze()) {
        String why = "unsupported by " + signaller.name();
        audit.record(t.family(), t.pid(), t.startTicks(), sig.name(), "allowed", v.reason(), why);
        out[i] = new Outcome(v, false, sig + " is not supported by " + signaller.name());
        continue;
      }
      allowed.add(i);
    }
    if (!allowed.isEmpty()) {
      List<String> errors =
          signaller.sendAll(allowed.stream().map(targets::get).toList(), sig, platform);
      for (int k = 0; k < allowed.size(); k++) {
        int i = allowed.get(k);
        Target t = targets.get(i);
        Verdict v = verdicts.get(i);
        String error = errors.get(k);
        boolean gone = "gone".equals(error) || "reused".equals(error);
        audit.record(
            t.family(),
            t.pid(),
            t.startTicks(),
            sig.name(),
            "allowed",
            v.reason(),
            error == null ? "sent" : error);
        out[i] =
            error == null
                ? new Outcome(v, true, null)
                : new Outcome(
                    gone ? new Verdict(false, true, "already gone") : v,
                    false,
                    gone ? null : error);
      }
    }
    return List.of(out);
  }

  /**
   * Signals a whole process group at once, but only if every current member of the group passes the
   * gate; otherwise signals each passing member on its own. Returns the outcome per member.
   */
  public Map<Long, Outcome> signalGroup(long pgid, List<Target> members, Sig sig) {
    Map<Long, Outcome> out = new HashMap<>();
    boolean all = pgid > 1 && !protectedPids.contains(pgid);
    Set<Long> inGroup = new HashSet<>();
    for (ProcessNode n : platform.processes().nodes().values()) {
      if (n.pgid() == pgid) {
        inGroup.add(n.pid());
      }
    }
    Map<Long, Target> byPid = new HashMap<>();
    members.forEach(m -> byPid.put(m.pid(), m));
    long since = System.nanoTime();
    synchronized (this) {
      for (long pid : inGroup) {
        Target t = byPid.get(pid);
        if (t == null || !checked(t, since).verdict().allowed()) {
          all = false;
        }
      }
    }
    if (all && !inGroup.isEmpty()) {
      String error = signaller().sendGroup(pgid, sig);
      for (long pid : inGroup) {
        Target t = byPid.get(pid);
        audit.record(
            t.family(),
            pid,
            t.startTicks(),
            sig.name() + "(group " + pgid + ")",
            "allowed",
            "every member of group " + pgid + " passed",
            error == null ? "sent" : error);
        out.put(
            pid,
            new Outcome(new Verdict(true, false, "member of group " + pgid), error == null, error));
      }
      if (error == null) {
        // Members that left the group (setsid) are part of the same daemon: they get it too.
        for (Target t : members) {
          if (!inGroup.contains(t.pid())) {
            out.put(t.pid(), signal(t, sig));
          }
        }
        return out;
      }
    }
    for (Target t : members) {
      if (!out.containsKey(t.pid()) || !out.get(t.pid()).sent()) {
        out.put(t.pid(), signal(t, sig));
      }
    }
    return out;
  }
}
