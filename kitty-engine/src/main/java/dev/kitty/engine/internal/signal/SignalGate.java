package dev.kitty.engine.internal.signal;

import dev.kitty.api.ListenerView;
import dev.kitty.engine.FamilyInfo;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.discovery.ProcessNode;
import dev.kitty.engine.internal.discovery.ProcessSnapshot;
import dev.kitty.engine.internal.registry.FamilyRegistry;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
 * when every member of the group passes the rules. On Windows the {@link Win32} signaller does the
 * same with process handles: {@code OpenProcess}, the creation time checked again, then {@code
 * TerminateProcess} (for TERM and KILL alike, as {@code taskkill /F}) or {@code
 * NtSuspendProcess}/{@code NtResumeProcess} (freeze) through that handle. A tree is stopped the way
 * {@code taskkill /T /F} would, but from the snapshot: the shell wrappers the family named first (a
 * {@code cmd.exe} loop cannot respawn what it no longer runs), then the daemon, then every
 * descendant started after its parent — a child whose recorded parent pid was reused by an
 * unrelated process is never taken for a member, which {@code taskkill /T} cannot promise.
 * Elsewhere (macOS, kernels without pidfd, native access not granted) the fallback is {@link
 * ProcessHandle#destroy()} / {@link ProcessHandle#destroyForcibly()}, which knows only TERM and
 * KILL and cannot freeze; {@code doctor} shows which signaller is in use.
 *
 * <p>Every decision is written to the {@link AuditLog}. An architecture test fails the build if any
 * class other than this one (and its nested classes) references a signalling primitive.
 */
public final class SignalGate {

  /** The signals kitty sends. */
  public enum Sig {
    /** Asks to exit. */
    TERM(15),
    /** Ends. */
    KILL(9),
    /** Freezes (cannot be caught): a frozen wrapper cannot respawn anything. */
    STOP(19),
    /** Thaws. */
    CONT(18);

    final int number;

    Sig(int number) {
      this.number = number;
    }
  }

  /**
   * A process the gate is asked to signal, as it was when classified.
   *
   * @param pid the pid
   * @param startTicks its start stamp at classification (-1: unknown, always refused)
   * @param family the acting family's id
   */
  public record Target(long pid, long startTicks, String family) {}

  /**
   * The gate's verdict.
   *
   * @param allowed whether the signal may be sent
   * @param gone whether the refusal is because the process no longer exists (or was replaced)
   * @param reason why not, or why yes ("holds port 9240 in dashboard's range")
   */
  public record Verdict(boolean allowed, boolean gone, String reason) {
    /** The reason as a stop report's {@code skipped} entry says it. */
    public String skipReason() {
      return gone ? "already gone" : "refused by the gate: " + reason;
    }
  }

  /**
   * What happened when the gate acted.
   *
   * @param verdict the verdict
   * @param sent whether the signal was delivered
   * @param error the error when delivery failed (EPERM…), else null
   */
  public record Outcome(Verdict verdict, boolean sent, String error) {}

  /**
   * The gate's answer to "may this daemon be stopped": the verdict and the members it snapshotted.
   *
   * @param verdict the root's verdict
   * @param wrappers the shell wrappers above the root, outermost first
   * @param descendants every descendant of the outermost wrapper (or of the root)
   */
  public record Approval(Verdict verdict, List<Target> wrappers, List<Target> descendants) {}

  /** Delivers signals; the real implementations are nested in this class and nowhere else. */
  public interface Signaller {
    /** How signals are delivered, for {@code doctor}. */
    String name();

    /** Whether STOP and CONT can be sent. */
    boolean canFreeze();

    /**
     * Sends {@code sig} to {@code pid} if it still has {@code startTicks}.
     *
     * @return null when sent; otherwise "gone", "reused" or the error
     */
    String send(long pid, long startTicks, Sig sig, Platform platform);

    /**
     * Sends {@code sig} to every target that still has its start stamp, as one burst: the default
     * sends one after another; a signaller that can pin processes pins them all first.
     *
     * @return per target, in order: null when sent; otherwise as {@link #send}
     */
    default List<String> sendAll(List<Target> targets, Sig sig, Platform platform) {
      List<String> out = new ArrayList<>();
      for (Target t : targets) {
        out.add(send(t.pid(), t.startTicks(), sig, platform));
      }
      return out;
    }

    /** Sends {@code sig} to process group {@code pgid}; null when sent, else the error. */
    String sendGroup(long pgid, Sig sig);
  }

  private final Platform platform;
  private final FamilyRegistry registry;
  private final java.util.function.Supplier<Signaller> signallerSource;
  private Signaller signaller;
  private final AuditLog audit;
  private final boolean allUsers;
  private final int me;
  private final Set<Long> protectedPids = new HashSet<>();

  /** Every member snapshotted at an approval, by pid: its start stamp and its daemon's root pid. */
  private record Member(long startTicks, long root) {}

  private final Map<Long, Member> members = new HashMap<>();

  /** A launch of a family: its cookie, its family, when it was made, and its session (-1: none). */
  private record Launch(
      String launchId, String family, long notBeforeTicks, long sid, long leaderTicks) {}

  private final List<Launch> launches = new ArrayList<>();

  /**
   * A gate over {@code platform}.
   *
   * @param allUsers whether {@code --all-users} was given (honoured only when kitty runs as root)
   */
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
      java.util.function.Supplier<Signaller> signallerSource,
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

  /** The signaller for this platform: pidfd through FFM on Linux when the kernel has it. */
  public static Signaller platformSignaller(Platform platform) {
    if (platform.name().startsWith("linux")) {
      Optional<Signaller> pidfd = Pidfd.load();
      if (pidfd.isPresent()) {
        return pidfd.get();
      }
    }
    if (platform.name().startsWith("windows")) {
      Optional<Signaller> win32 = Kernel32.load().map(Win32::new);
      if (win32.isPresent()) {
        return win32.get();
      }
    }
    return new Handles();
  }

  private synchronized Signaller signaller() {
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
  private Verdict identityRules(Target t) {
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
    Optional<String> launch = launchOf(t);
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
    launches.add(new Launch(launchId, family, notBeforeTicks, sid, leaderTicks));
  }

  private Optional<String> launchOf(Target t) {
    if (launches.isEmpty()) {
      return Optional.empty();
    }
    Optional<dev.kitty.api.ProcessView> view = platform.processes().view(t.pid());
    if (view.isEmpty() || view.get().startTicks() < 0) {
      return Optional.empty();
    }
    String cookie = view.get().cookies().get(dev.kitty.api.ProcessView.LAUNCH_COOKIE);
    for (Launch l : launches) {
      if (!l.family().equals(t.family()) || view.get().startTicks() < l.notBeforeTicks()) {
        continue;
      }
      if (l.launchId().equals(cookie)) {
        return Optional.of(l.launchId() + " (its cookie");
      }
      if (view.get().sid() == l.sid() && sessionLed(l)) {
        return Optional.of(l.launchId() + " (its session " + l.sid());
      }
    }
    return Optional.empty();
  }

  /** Whether launch {@code l}'s session is still led by its recorded leader (same start stamp). */
  private boolean sessionLed(Launch l) {
    return platform.processes().aliveAs(l.sid(), l.leaderTicks());
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
  private Optional<String> otherFamilysPort(List<ListenerView> held, String family) {
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

  /** pidfd_open + pidfd_send_signal through FFM (Linux 5.3+), kill(-pgid) for groups. */
  static final class Pidfd implements Signaller {
    private static final long SYS_PIDFD_SEND_SIGNAL = 424;
    private static final long SYS_PIDFD_OPEN = 434;
    // close(2) through the same syscall stub: every downcall handle is a class generated and
    // linked at a cold start (milliseconds of CPU each).
    private static final long SYS_CLOSE = 3;
    private static final int EPERM = 1;
    private static final int ESRCH = 3;
    private static final int BURST = 256;

    private final MethodHandle syscall;
    // Made on the first group signal: each downcall stub costs a cold CLI milliseconds to link,
    // and most stops signal single processes.
    private MethodHandle kill;
    private final Linker.Option errnoOption;
    private final StructLayout captureLayout;
    private final VarHandle errno;

    // Restricted FFM calls are the point of this class; the launcher and the tests grant
    // --enable-native-access=dev.kitty.engine, and nothing else in kitty needs it.
    @SuppressWarnings("restricted")
    private Pidfd() {
      Linker linker = Linker.nativeLinker();
      var lookup = linker.defaultLookup();
      captureLayout = Linker.Option.captureStateLayout();
      errno = captureLayout.varHandle(MemoryLayout.PathElement.groupElement("errno"));
      errnoOption = Linker.Option.captureCallState("errno");
      // syscall(long, ...): every argument passed as a long so the kernel sees clean registers.
      syscall =
          linker.downcallHandle(
              lookup.find("syscall").orElseThrow(),
              FunctionDescriptor.of(
                  ValueLayout.JAVA_LONG,
                  ValueLayout.JAVA_LONG,
                  ValueLayout.JAVA_LONG,
                  ValueLayout.JAVA_LONG,
                  ValueLayout.JAVA_LONG,
                  ValueLayout.JAVA_LONG),
              Linker.Option.firstVariadicArg(1),
              errnoOption);
    }

    @SuppressWarnings("restricted")
    private synchronized MethodHandle kill() {
      if (kill == null) {
        Linker linker = Linker.nativeLinker();
        kill =
            linker.downcallHandle(
                linker.defaultLookup().find("kill").orElseThrow(),
                FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                errnoOption);
      }
      return kill;
    }

    /** The pidfd signaller if FFM is allowed and the kernel has pidfd_open. */
    static Optional<Signaller> load() {
      try {
        Pidfd p = new Pidfd();
        try (Arena arena = Arena.ofConfined()) {
          long fd = p.pidfdOpen(arena.allocate(p.captureLayout), ProcessHandle.current().pid());
          if (fd < 0) {
            return Optional.empty();
          }
          p.closeFd(arena.allocate(p.captureLayout), fd);
        }
        return Optional.of(p);
      } catch (Throwable e) {
        // No FFM (native access denied) or no pidfd: the fallback is used and doctor says so.
        return Optional.empty();
      }
    }

    @Override
    public String name() {
      return "pidfd (FFM)";
    }

    @Override
    public boolean canFreeze() {
      return true;
    }

    /** A pidfd for {@code pid}, or minus the errno. */
    private long pidfdOpen(MemorySegment state, long pid) throws Throwable {
      long fd = (long) syscall.invokeExact(state, SYS_PIDFD_OPEN, pid, 0L, 0L, 0L);
      return fd >= 0 ? fd : -(int) errno.get(state, 0L);
    }

    private void closeFd(MemorySegment state, long fd) {
      try {
        long ignored = (long) syscall.invokeExact(state, SYS_CLOSE, fd, 0L, 0L, 0L);
      } catch (Throwable e) {
        // close(2) of a pidfd we opened cannot fail in a way worth reporting after the signal.
      }
    }

    @Override
    public String send(long pid, long startTicks, Sig sig, Platform platform) {
      return sendAll(List.of(new Target(pid, startTicks, "")), sig, platform).getFirst();
    }

    /**
     * Opens a pidfd on every target and checks its start stamp (the pidfd pins one process: if the
     * pid was reused before it was opened, the stamp shows it), then signals every pinned process
     * through its pidfd, then closes them all.
     */
    @Override
    public List<String> sendAll(List<Target> targets, Sig sig, Platform platform) {
      if (targets.size() > BURST) {
        // Bounded so that a thousand targets never hold a thousand descriptors at once.
        List<String> out = new ArrayList<>();
        for (int from = 0; from < targets.size(); from += BURST) {
          out.addAll(
              sendAll(
                  targets.subList(from, Math.min(targets.size(), from + BURST)), sig, platform));
        }
        return out;
      }
      try (Arena arena = Arena.ofConfined()) {
        return sendPinned(targets, sig, platform, arena.allocate(captureLayout));
      }
    }

    /** The burst itself, with {@code state} for errno; every pidfd it opened is closed. */
    private List<String> sendPinned(
        List<Target> targets, Sig sig, Platform platform, MemorySegment state) {
      String[] out = new String[targets.size()];
      boolean[] sent = new boolean[targets.size()];
      long[] fds = new long[targets.size()];
      java.util.Arrays.fill(fds, -1);
      try {
        for (int i = 0; i < targets.size(); i++) {
          Target t = targets.get(i);
          long fd = pidfdOpen(state, t.pid());
          if (fd < 0) {
            out[i] = fd == -ESRCH ? "gone" : "pidfd_open failed: errno " + (-fd);
            continue;
          }
          fds[i] = fd;
          var node = platform.processes().node(t.pid());
          if (node.isEmpty() || node.get().startTicks() != t.startTicks()) {
            out[i] = "reused";
          }
        }
        for (int i = 0; i < targets.size(); i++) {
          if (fds[i] < 0 || out[i] != null) {
            continue;
          }
          long rc =
              (long)
                  syscall.invokeExact(
                      state, SYS_PIDFD_SEND_SIGNAL, fds[i], (long) sig.number, 0L, 0L);
          if (rc == 0) {
            sent[i] = true;
          } else {
            int e = (int) errno.get(state, 0L);
            out[i] =
                e == ESRCH ? "gone" : e == EPERM ? "EPERM: operation not permitted" : "errno " + e;
          }
        }
      } catch (Throwable e) {
        // Whatever was sent before the failure stays sent (null); the rest failed.
        for (int i = 0; i < out.length; i++) {
          out[i] = out[i] == null && !sent[i] ? "signal failed: " + e : out[i];
        }
      } finally {
        for (long fd : fds) {
          if (fd >= 0) {
            closeFd(state, fd);
          }
        }
      }
      return java.util.Arrays.asList(out);
    }

    @Override
    public String sendGroup(long pgid, Sig sig) {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment state = arena.allocate(captureLayout);
        int rc = (int) kill().invokeExact(state, (int) -pgid, sig.number);
        if (rc == 0) {
          return null;
        }
        int e = (int) errno.get(state, 0L);
        return e == ESRCH ? "gone" : e == EPERM ? "EPERM: operation not permitted" : "errno " + e;
      } catch (Throwable e) {
        return "signal failed: " + e;
      }
    }
  }

  /**
   * The Windows process calls the {@link Win32} signaller needs, by handle (a handle's address as a
   * long). An interface so that the signaller's decisions are tested on recorded process tables on
   * machines that are not Windows; {@link Kernel32} is the real one.
   */
  public interface WinProcessApi {
    /** Access asked for: terminate, suspend/resume, query limited information, synchronize. */
    int ACCESS = 0x0001 | 0x0800 | 0x1000 | 0x0010_0000;

    int ERROR_ACCESS_DENIED = 5;
    int ERROR_INVALID_PARAMETER = 87;

    /** Not a Windows error code: the FFM call itself failed. */
    int CALL_FAILED = 0x7fff_ffff;

    /** {@code OpenProcess(ACCESS, FALSE, pid)}: a handle, or minus {@code GetLastError()}. */
    long open(long pid);

    /** The process's creation time from {@code GetProcessTimes}, in epoch ms; -1 if unknown. */
    long creationMillis(long handle);

    /** Whether the process has exited ({@code GetExitCodeProcess} is not STILL_ACTIVE). */
    boolean exited(long handle);

    /**
     * {@code TerminateProcess(handle, exitCode)}: 0, or {@code GetLastError()} ({@link
     * #CALL_FAILED} when the call itself failed).
     */
    int terminate(long handle, int exitCode);

    /** {@code NtSuspendProcess(handle)}: the NTSTATUS, 0 on success. */
    int suspend(long handle);

    /** {@code NtResumeProcess(handle)}: the NTSTATUS, 0 on success. */
    int resume(long handle);

    /** {@code CloseHandle(handle)}. */
    void close(long handle);
  }

  /**
   * Windows through process handles: each target is opened and its creation time compared with the
   * stamp kitty classified it by (the same unit as {@link ProcessHandle.Info#startInstant()}, which
   * the Windows process table reads), and only then signalled through that handle. The handle pins
   * the process object, as a pidfd does on Linux: a pid reused after the check cannot be hit. TERM
   * and KILL are both {@code TerminateProcess} (exit code 1), which is what {@code taskkill /F}
   * does; Windows has no polite signal for a process without a console or a window. STOP and CONT
   * are {@code NtSuspendProcess}/{@code NtResumeProcess} (what psutil and Process Explorer use), so
   * a webui tree can be frozen before its {@code cmd.exe} wrappers are killed, as on Linux. There
   * are no process groups.
   */
  public static final class Win32 implements Signaller {
    private static final int EXIT_CODE = 1;

    private final WinProcessApi api;

    /** A signaller over {@code api}: {@link Kernel32} on Windows, a recorded table in tests. */
    public Win32(WinProcessApi api) {
      this.api = api;
    }

    @Override
    public String name() {
      return "Win32 process handles (FFM)";
    }

    @Override
    public boolean canFreeze() {
      return true;
    }

    @Override
    public String send(long pid, long startTicks, Sig sig, Platform platform) {
      return sendAll(List.of(new Target(pid, startTicks, "")), sig, platform).getFirst();
    }

    /** Opens and checks every target, then signals all that passed, then closes the handles. */
    @Override
    public List<String> sendAll(List<Target> targets, Sig sig, Platform platform) {
      String[] out = new String[targets.size()];
      long[] handles = new long[targets.size()];
      try {
        for (int i = 0; i < targets.size(); i++) {
          Target t = targets.get(i);
          long h = api.open(t.pid());
          if (h <= 0) {
            int error = (int) -h;
            out[i] =
                switch (error) {
                  case WinProcessApi.ERROR_INVALID_PARAMETER -> "gone";
                  case WinProcessApi.ERROR_ACCESS_DENIED -> "EPERM: access denied";
                  case WinProcessApi.CALL_FAILED -> "OpenProcess could not be called";
                  default -> "OpenProcess failed: error " + error;
                };
            continue;
          }
          handles[i] = h;
          if (api.exited(h)) {
            out[i] = "gone";
          } else if (api.creationMillis(h) != t.startTicks()) {
            out[i] = "reused";
          }
        }
        for (int i = 0; i < targets.size(); i++) {
          if (handles[i] == 0 || out[i] != null) {
            continue;
          }
          out[i] =
              switch (sig) {
                case TERM, KILL -> {
                  int error = api.terminate(handles[i], EXIT_CODE);
                  yield error == 0
                      ? null
                      : error == WinProcessApi.ERROR_ACCESS_DENIED && api.exited(handles[i])
                          ? "gone"
                          : "TerminateProcess failed: error " + error;
                }
                case STOP -> ntStatus("NtSuspendProcess", api.suspend(handles[i]));
                case CONT -> ntStatus("NtResumeProcess", api.resume(handles[i]));
              };
        }
      } finally {
        for (long h : handles) {
          if (h != 0) {
            api.close(h);
          }
        }
      }
      return java.util.Arrays.asList(out);
    }

    private static String ntStatus(String call, int status) {
      return status == 0 ? null : call + " failed: NTSTATUS 0x" + Integer.toHexString(status);
    }

    @Override
    public String sendGroup(long pgid, Sig sig) {
      return "process groups do not exist on Windows";
    }
  }

  /** {@link WinProcessApi} through FFM: kernel32 and ntdll, looked up only on Windows. */
  static final class Kernel32 implements WinProcessApi {
    /** The time from 1601-01-01 (FILETIME's epoch) to 1970-01-01, in ms. */
    private static final long FILETIME_EPOCH_MILLIS = 11_644_473_600_000L;

    private static final int STILL_ACTIVE = 259;

    private final MethodHandle openProcess;
    private final MethodHandle getProcessTimes;
    private final MethodHandle getExitCodeProcess;
    private final MethodHandle terminateProcess;
    private final MethodHandle closeHandle;
    private final MethodHandle ntSuspendProcess;
    private final MethodHandle ntResumeProcess;
    private final StructLayout captureLayout;
    private final VarHandle lastError;

    @SuppressWarnings("restricted")
    private Kernel32() {
      Linker linker = Linker.nativeLinker();
      var kernel32 = java.lang.foreign.SymbolLookup.libraryLookup("kernel32", Arena.global());
      var ntdll = java.lang.foreign.SymbolLookup.libraryLookup("ntdll", Arena.global());
      captureLayout = Linker.Option.captureStateLayout();
      lastError = captureLayout.varHandle(MemoryLayout.PathElement.groupElement("GetLastError"));
      Linker.Option capture = Linker.Option.captureCallState("GetLastError");
      ValueLayout handle = ValueLayout.ADDRESS;
      ValueLayout dword = ValueLayout.JAVA_INT;
      openProcess =
          linker.downcallHandle(
              kernel32.find("OpenProcess").orElseThrow(),
              FunctionDescriptor.of(handle, dword, dword, dword),
              capture);
      getProcessTimes =
          linker.downcallHandle(
              kernel32.find("GetProcessTimes").orElseThrow(),
              FunctionDescriptor.of(
                  dword,
                  handle,
                  ValueLayout.ADDRESS,
                  ValueLayout.ADDRESS,
                  ValueLayout.ADDRESS,
                  ValueLayout.ADDRESS));
      getExitCodeProcess =
          linker.downcallHandle(
              kernel32.find("GetExitCodeProcess").orElseThrow(),
              FunctionDescriptor.of(dword, handle, ValueLayout.ADDRESS));
      terminateProcess =
          linker.downcallHandle(
              kernel32.find("TerminateProcess").orElseThrow(),
              FunctionDescriptor.of(dword, handle, dword),
              capture);
      closeHandle =
          linker.downcallHandle(
              kernel32.find("CloseHandle").orElseThrow(), FunctionDescriptor.of(dword, handle));
      ntSuspendProcess =
          linker.downcallHandle(
              ntdll.find("NtSuspendProcess").orElseThrow(), FunctionDescriptor.of(dword, handle));
      ntResumeProcess =
          linker.downcallHandle(
              ntdll.find("NtResumeProcess").orElseThrow(), FunctionDescriptor.of(dword, handle));
    }

    /** The real calls, if this is Windows and native access is granted. */
    static Optional<WinProcessApi> load() {
      try {
        return Optional.of(new Kernel32());
      } catch (Throwable e) {
        // Not Windows, or native access denied: the ProcessHandle fallback is used, doctor says so.
        return Optional.empty();
      }
    }

    @Override
    public long open(long pid) {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment state = arena.allocate(captureLayout);
        MemorySegment h = (MemorySegment) openProcess.invokeExact(state, ACCESS, 0, (int) pid);
        return h.address() != 0 ? h.address() : -(int) lastError.get(state, 0L);
      } catch (Throwable e) {
        // A call that failed is a failure, never "gone" (ERROR_INVALID_PARAMETER would say that).
        return -CALL_FAILED;
      }
    }

    @Override
    public long creationMillis(long handle) {
      try (Arena arena = Arena.ofConfined()) {
        // Four FILETIMEs (creation, exit, kernel, user): two little-endian DWORDs each.
        MemorySegment times = arena.allocate(ValueLayout.JAVA_LONG, 4);
        int ok =
            (int)
                getProcessTimes.invokeExact(
                    MemorySegment.ofAddress(handle),
                    times,
                    times.asSlice(8),
                    times.asSlice(16),
                    times.asSlice(24));
        return ok == 0 ? -1 : times.get(ValueLayout.JAVA_LONG, 0) / 10_000 - FILETIME_EPOCH_MILLIS;
      } catch (Throwable e) {
        return -1;
      }
    }

    @Override
    public boolean exited(long handle) {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment code = arena.allocate(ValueLayout.JAVA_INT);
        int ok = (int) getExitCodeProcess.invokeExact(MemorySegment.ofAddress(handle), code);
        return ok != 0 && code.get(ValueLayout.JAVA_INT, 0) != STILL_ACTIVE;
      } catch (Throwable e) {
        return false;
      }
    }

    @Override
    public int terminate(long handle, int exitCode) {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment state = arena.allocate(captureLayout);
        int ok =
            (int) terminateProcess.invokeExact(state, MemorySegment.ofAddress(handle), exitCode);
        return ok != 0 ? 0 : (int) lastError.get(state, 0L);
      } catch (Throwable e) {
        return CALL_FAILED;
      }
    }

    @Override
    public int suspend(long handle) {
      return ntCall(ntSuspendProcess, handle);
    }

    @Override
    public int resume(long handle) {
      return ntCall(ntResumeProcess, handle);
    }

    /** An ntdll call that takes a process handle and answers an NTSTATUS (-1: the call failed). */
    private static int ntCall(MethodHandle call, long handle) {
      try {
        return (int) call.invokeExact(MemorySegment.ofAddress(handle));
      } catch (Throwable e) {
        return -1;
      }
    }

    @Override
    public void close(long handle) {
      try {
        int ignored = (int) closeHandle.invokeExact(MemorySegment.ofAddress(handle));
      } catch (Throwable e) {
        // Nothing to do about a handle that does not close; the process ends with kitty's.
      }
    }
  }

  /** The portable fallback: ProcessHandle knows TERM and KILL only, and no groups. */
  static final class Handles implements Signaller {
    @Override
    public String name() {
      return "ProcessHandle (fallback: no freeze, no pidfd)";
    }

    @Override
    public boolean canFreeze() {
      return false;
    }

    @Override
    public String send(long pid, long startTicks, Sig sig, Platform platform) {
      Optional<ProcessHandle> h = ProcessHandle.of(pid);
      if (h.isEmpty() || !h.get().isAlive()) {
        return "gone";
      }
      // No pidfd here: check the start stamp again right before the signal, in the table's own
      // unit (ticks on Linux, epoch ms elsewhere), so a pid reused since classification is spared.
      long now = platform.processes().node(pid).map(ProcessNode::startTicks).orElse(-1L);
      if (now != startTicks) {
        return now < 0 ? "gone" : "reused";
      }
      boolean ok =
          switch (sig) {
            case TERM -> h.get().destroy();
            case KILL -> h.get().destroyForcibly();
            case STOP, CONT -> false;
          };
      return ok ? null : "the platform refused to signal pid " + pid;
    }

    @Override
    public String sendGroup(long pgid, Sig sig) {
      return "process groups are not supported by the fallback";
    }
  }

  /**
   * The other native process control kitty needs, kept here with the signals so that one class
   * holds every native call (the architecture test): {@code prctl(PR_SET_CHILD_SUBREAPER)} for
   * {@code kitty up --foreground}, so that orphaned grandchildren re-parent to kitty rather than to
   * init, and {@code waitpid(pid, WNOHANG)} to reap them once they exit. Linux only; elsewhere (or
   * without native access) both say no.
   */
  public static final class Reaper {
    private static final int PR_SET_CHILD_SUBREAPER = 36;
    private static final int WNOHANG = 1;

    private Reaper() {}

    /** Makes this process the subreaper of its descendants; false where that is not possible. */
    @SuppressWarnings("restricted")
    public static boolean becomeSubreaper() {
      if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
        return false;
      }
      try {
        Linker linker = Linker.nativeLinker();
        MethodHandle prctl =
            linker.downcallHandle(
                linker.defaultLookup().find("prctl").orElseThrow(),
                FunctionDescriptor.of(
                    ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG),
                Linker.Option.firstVariadicArg(1));
        return (int) prctl.invokeExact(PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L) == 0;
      } catch (Throwable e) {
        return false;
      }
    }

    /**
     * Reaps the exited child {@code pid} (a zombie this process adopted as subreaper); the caller
     * never passes a child the JDK started, whose exit status the JDK's own reaper collects.
     */
    @SuppressWarnings("restricted")
    public static boolean reap(long pid) {
      try {
        Linker linker = Linker.nativeLinker();
        MethodHandle waitpid =
            linker.downcallHandle(
                linker.defaultLookup().find("waitpid").orElseThrow(),
                FunctionDescriptor.of(
                    ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS,
                    ValueLayout.JAVA_INT));
        return (int) waitpid.invokeExact((int) pid, MemorySegment.NULL, WNOHANG) == (int) pid;
      } catch (Throwable e) {
        return false;
      }
    }
  }
}
