package dev.kitty.engine.internal.signal;

import dev.kitty.api.ListenerView;
import dev.kitty.api.StopPlan;
import dev.kitty.api.StopStep;
import dev.kitty.engine.internal.CrashPoints;
import dev.kitty.engine.internal.JsonSupport;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.discovery.ProcessNode;
import dev.kitty.engine.internal.http.LoopbackHttp;
import dev.kitty.engine.internal.identity.FileEvidenceReader;
import dev.kitty.engine.internal.signal.SignalGate.Target;
import dev.kitty.engine.internal.state.StateStore;
import dev.kitty.engine.model.Candidate;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.StopProgress;
import dev.kitty.engine.model.StopReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Executes a family's {@code StopPlan} for many daemons of that family at once: each step is
 * applied to every daemon still alive, then one wait covers them all (TERM all, wait once, KILL the
 * survivors — never a sleep per pid). Descendants are snapshotted by the gate when it approves each
 * root, before anything is signalled. Every signal goes through the {@link SignalGate}.
 */
public final class StopExecutor {

  private static final long POLL_MILLIS = 10;

  private final SignalGate gate;
  private final Platform platform;
  private final StopProgress progress;
  private final StateStore stateStore;

  /** An executor signalling through {@code gate}, reading launch tokens from {@code stateStore}. */
  public StopExecutor(
      SignalGate gate, Platform platform, StopProgress progress, StateStore stateStore) {
    this.gate = gate;
    this.platform = platform;
    this.progress = progress;
    this.stateStore = stateStore;
  }

  /** Which array of the report an outcome belongs in. */
  public enum Kind {
    /** Stopped by this plan. */
    SWEPT,
    /** Not attempted, or gone before kitty acted. */
    SKIPPED,
    /** Attempted and not stopped. */
    FAILED
  }

  /**
   * One daemon's outcome.
   *
   * @param kind the array it goes in
   * @param entry the entry
   */
  public record Result(Kind kind, StopReport.Entry entry) {}

  /** Where one daemon is in its plan. */
  private static final class Job {
    final Candidate candidate;
    final Target root;
    List<Target> wrappers = List.of();
    List<Target> descendants = List.of();
    boolean frozen;

    /** Whether the daemon has a port of its own to verify (a stack's worker service has none). */
    boolean hasPort = true;

    /** The path of the last action kitty took on the root: what ended it, if it is gone. */
    String lastPath;

    String failure;

    /** Why the gate refused the root, when it did and nothing reached it. */
    String refusal;

    Result outcome;

    Job(Candidate candidate, Target root) {
      this.candidate = candidate;
      this.root = root;
    }

    boolean open() {
      return outcome == null && failure == null;
    }

    /** Wrappers first (they respawn what is killed under them), then the root, then descendants. */
    List<Target> tree() {
      List<Target> all = new ArrayList<>(wrappers);
      all.add(root);
      all.addAll(descendants);
      return all;
    }

    List<Target> members() {
      List<Target> all = new ArrayList<>(wrappers);
      all.addAll(descendants);
      return all;
    }
  }

  /** Stops {@code candidates} (all of {@code family}) and says what happened to each. */
  public List<Result> stop(FamilyInfo family, List<Candidate> candidates) {
    List<Job> jobs = new ArrayList<>();
    for (Candidate c : candidates) {
      long start = c.process() == null ? -1 : c.process().startTicks();
      jobs.add(new Job(c, new Target(c.pid() == null ? -1 : c.pid(), start, family.id())));
    }
    List<Approval> approvals =
        gate.approveAll(
            jobs.stream().map(j -> j.root).toList(),
            jobs.stream().map(j -> wrapperPids(j.candidate)).toList());
    for (int i = 0; i < jobs.size(); i++) {
      Job job = jobs.get(i);
      Candidate c = job.candidate;
      Approval approval = approvals.get(i);
      if (!approval.verdict().allowed()) {
        job.outcome =
            new Result(
                Kind.SKIPPED, new StopReport.Entry(c, null, approval.verdict().skipReason()));
      } else {
        job.wrappers = approval.wrappers();
        job.descendants = approval.descendants();
      }
    }
    run(family.family().stopPlan(), jobs);
    CrashPoints.reach("executor.signalled");
    List<Result> out = new ArrayList<>();
    for (Job job : jobs) {
      out.add(finish(job));
    }
    return out;
  }

  /**
   * Stops one launch kitty made: {@code root} (its main process, or whatever of it is left), the
   * {@code wrappers} the launch ran through, and {@code members}, every other process that carries
   * the launch's cookie or is in its session, as the caller found them. The gate must have admitted
   * the launch ({@link SignalGate#admitLaunch}); every signal is still checked.
   *
   * @param plan the plan to run: the family's, or one the caller derived for this launch
   * @param candidate how the launch appears in the report (its port, or the recorded one)
   * @param hasPort whether the launch has a port whose freedom the plan verifies
   */
  public Result stopLaunch(
      FamilyInfo family,
      StopPlan plan,
      Candidate candidate,
      Target root,
      List<Target> wrappers,
      List<Target> members,
      boolean hasPort) {
    Job job = new Job(candidate, root);
    job.hasPort = hasPort;
    job.wrappers = List.copyOf(wrappers);
    job.descendants = List.copyOf(members);
    if (job.tree().stream().noneMatch(this::alive)) {
      return new Result(Kind.SKIPPED, new StopReport.Entry(candidate, null, "already gone"));
    }
    run(plan, List.of(job));
    return finish(job);
  }

  private void run(StopPlan plan, List<Job> jobs) {
    for (StopStep step : plan.steps()) {
      List<Job> open = jobs.stream().filter(Job::open).toList();
      if (open.isEmpty()) {
        break;
      }
      switch (step) {
        case StopStep.HttpShutdown h -> httpShutdown(open, h);
        case StopStep.Signal s -> signal(open, s);
        case StopStep.FreezeTree f -> freeze(open);
        case StopStep.VerifyPortFree v -> verifyPortFree(open, v.deadline());
        case StopStep.VerifyNoMembers v -> verifyNoMembers(open, v.deadline());
      }
    }
  }

  private Result finish(Job job) {
    if (job.frozen) {
      // Never leave a frozen process behind: whatever survived is thawed (and reported).
      for (Target t : job.tree()) {
        if (alive(t)) {
          gate.signal(t, Sig.CONT);
        }
      }
    }
    if (job.outcome != null) {
      return job.outcome;
    }
    if (job.refusal != null && job.lastPath == null && alive(job.root)) {
      // The gate's reason, not the symptom it leaves (a port still listening): what the user must
      // know is why kitty would not touch it.
      return new Result(Kind.FAILED, new StopReport.Entry(job.candidate, null, job.refusal));
    }
    if (job.failure != null) {
      return new Result(Kind.FAILED, new StopReport.Entry(job.candidate, null, job.failure));
    }
    if (alive(job.root)) {
      return new Result(
          Kind.FAILED,
          new StopReport.Entry(
              job.candidate, null, "still alive after the stop plan (" + describe(job.root) + ")"));
    }
    if (job.lastPath != null) {
      return new Result(
          Kind.SWEPT,
          new StopReport.Entry(job.candidate, job.lastPath, "stopped by " + job.lastPath));
    }
    return new Result(Kind.SKIPPED, new StopReport.Entry(job.candidate, null, "already gone"));
  }

  private static List<Long> wrapperPids(Candidate c) {
    return c.identity().wrapperPids();
  }

  private void httpShutdown(List<Job> open, StopStep.HttpShutdown h) {
    List<Job> asked = new ArrayList<>();
    for (Job job : open) {
      Optional<String> token = token(job.candidate, h.tokenSource());
      if (h.tokenSource() != StopStep.TokenSource.NONE && token.isEmpty()) {
        continue;
      }
      ListenerView l = job.candidate.listener();
      String body =
          token
              .map(t -> "{\"token\":\"" + t.replace("\\", "").replace("\"", "") + "\"}")
              .orElse("{}");
      LoopbackHttp.post(
          LoopbackHttp.hostFor(l),
          l.port(),
          h.path(),
          body,
          Duration.ofMillis(Math.min(1000, h.timeout().toMillis())));
      job.lastPath = "http_shutdown";
      asked.add(job);
    }
    awaitGone(
        asked.stream().map(j -> j.root).toList(), h.timeout(), "daemons to shut down over HTTP");
  }

  private Optional<String> token(Candidate c, StopStep.TokenSource source) {
    if (source == StopStep.TokenSource.METADATA_FILE
        && c.identity().metadataFile().orElse(null) instanceof String file) {
      var evidence = FileEvidenceReader.read(file);
      if (evidence.text() != null) {
        var lines = evidence.text().lines().map(String::strip).filter(x -> !x.isEmpty()).toList();
        return lines.size() > 2 ? Optional.of(lines.get(2)) : Optional.empty();
      }
    }
    if (source == StopStep.TokenSource.LAUNCH_RECORD && c.pid() != null) {
      // Only the record of this very process (pid and start time) gives its token.
      Map<String, Object> record =
          JsonSupport.objectOrNull(
              FileEvidenceReader.read(stateStore.singletonRecord(c.daemonFamily()).toString())
                  .text());
      if (record != null
          && record.get("pid") instanceof Number pid
          && pid.longValue() == c.pid()
          && record.get("start_ticks") instanceof Number ticks
          && ticks.longValue() == c.process().startTicks()
          && record.get("token") instanceof String t) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  private void signal(List<Job> open, StopStep.Signal s) {
    Sig sig = s.kind() == StopStep.SignalKind.TERM ? Sig.TERM : Sig.KILL;
    String path =
        switch (s.reach()) {
          case PROCESS -> sig == Sig.TERM ? "sigterm" : "sigkill";
          case TREE, WRAPPERS -> "tree";
          case GROUP -> "group";
        };
    List<Target> awaited = new ArrayList<>();
    // Every target of every job in one burst through the gate (parents before their members, as
    // in each job's tree); groups are signalled per job.
    List<Target> burst = new ArrayList<>();
    List<Job> burstJobs = new ArrayList<>();
    List<Target> thaw = new ArrayList<>();
    for (Job job : open) {
      // Only what is still alive: a root that died at an earlier step may leave members behind.
      List<Target> targets =
          (switch (s.reach()) {
                case PROCESS -> List.of(job.root);
                case WRAPPERS -> job.wrappers;
                case TREE, GROUP -> job.tree();
              })
              .stream().filter(this::alive).toList();
      if (targets.isEmpty()) {
        continue;
      }
      if (s.reach() == StopStep.Reach.GROUP) {
        long pgid = job.candidate.process() == null ? 0 : job.candidate.process().pgid();
        Map<Long, Outcome> results = gate.signalGroup(pgid, targets, sig);
        noteErrors(job, results.get(job.root.pid()), path);
      } else {
        targets.forEach(t -> burstJobs.add(job));
        burst.addAll(targets);
      }
      if (s.reach() == StopStep.Reach.WRAPPERS) {
        job.lastPath = job.lastPath == null ? path : job.lastPath;
      }
      if (job.frozen && sig == Sig.TERM) {
        thaw.addAll(targets);
      }
      awaited.addAll(targets);
    }
    List<Outcome> outcomes = gate.signalAll(burst, sig);
    for (int i = 0; i < burst.size(); i++) {
      Job job = burstJobs.get(i);
      if (burst.get(i) == job.root) {
        noteErrors(job, outcomes.get(i), path);
      }
    }
    // TERM stays pending on a stopped process: thaw so it is handled now.
    gate.signalAll(thaw, Sig.CONT);
    awaitGone(awaited, s.grace(), "processes to exit after SIG" + sig);
  }

  private static void noteErrors(Job job, Outcome o, String path) {
    if (o == null) {
      return;
    }
    if (o.sent()) {
      job.lastPath = path;
    } else if (o.error() != null) {
      job.failure = o.error();
    } else if (!o.verdict().allowed() && !o.verdict().gone() && job.refusal == null) {
      job.refusal = o.verdict().skipReason();
    }
  }

  private void freeze(List<Job> open) {
    List<Target> burst = new ArrayList<>();
    List<Job> burstJobs = new ArrayList<>();
    for (Job job : open) {
      if (job.members().isEmpty()) {
        // A lone process has nothing to respawn and no sibling to race: freezing it only costs
        // two more signals (STOP, then CONT after TERM).
        continue;
      }
      // Parents first: a wrapper frozen before its workers cannot start new ones in between.
      for (Target t : job.tree().stream().filter(this::alive).toList()) {
        burst.add(t);
        burstJobs.add(job);
      }
    }
    List<Outcome> outcomes = gate.signalAll(burst, Sig.STOP);
    for (int i = 0; i < burst.size(); i++) {
      if (outcomes.get(i).sent()) {
        burstJobs.get(i).frozen = true;
      }
    }
  }

  /** One poll of the socket table per round for every job at once: no holder walk is needed. */
  private void verifyPortFree(List<Job> all, Duration deadline) {
    List<Job> open = all.stream().filter(j -> j.hasPort).toList();
    long end = System.nanoTime() + deadline.toNanos();
    Set<Integer> ports = new java.util.HashSet<>();
    open.forEach(j -> ports.add(j.candidate.port()));
    List<Job> waiting = open;
    while (true) {
      Set<String> listening = new java.util.HashSet<>();
      for (ListenerView l : platform.listeners().sockets(ports::contains)) {
        listening.add(l.address() + "|" + l.port());
      }
      waiting =
          waiting.stream()
              .filter(
                  j ->
                      listening.contains(
                          j.candidate.listener().address() + "|" + j.candidate.port()))
              .toList();
      if (waiting.isEmpty() || System.nanoTime() > end) {
        break;
      }
      sleep();
    }
    for (Job job : waiting) {
      int port = job.candidate.port();
      List<Long> holders =
          platform.listeners().listeners(p -> p == port).stream()
              .flatMap(l -> l.holderPids().stream())
              .distinct()
              .toList();
      job.failure =
          "port "
              + port
              + " still listening (held by "
              + holders
              + "; pid "
              + job.root.pid()
              + " "
              + describe(job.root)
              + ")";
    }
  }

  /** One wait for every member of every daemon; survivors make their daemon's stop a failure. */
  private void verifyNoMembers(List<Job> open, Duration deadline) {
    List<Target> all = open.stream().flatMap(j -> j.tree().stream()).toList();
    Set<Target> survivors = new java.util.HashSet<>(awaitGone(all, deadline, "members to be gone"));
    for (Job job : open) {
      List<Target> alive = job.tree().stream().filter(survivors::contains).toList();
      if (!alive.isEmpty()) {
        job.failure =
            "members still alive: "
                + alive.stream().map(t -> t.pid() + " (" + describe(t) + ")").toList();
      }
    }
  }

  /**
   * Waits once, up to {@code deadline}, until none of {@code targets} is alive; returns the ones
   * still alive then. Never throws on a timeout.
   */
  private List<Target> awaitGone(List<Target> targets, Duration deadline, String what) {
    long end = System.nanoTime() + deadline.toNanos();
    long nextReport = 0;
    List<Target> alive = targets;
    while (true) {
      alive = alive.stream().filter(this::alive).toList();
      long now = System.nanoTime();
      if (alive.isEmpty() || now > end) {
        return alive;
      }
      if (now > nextReport) {
        progress.waiting(what, alive.size(), (end - now) / 1_000_000);
        nextReport = now + 100_000_000L;
      }
      sleep();
    }
  }

  private boolean alive(Target t) {
    Optional<ProcessNode> n = platform.processes().node(t.pid());
    return n.isPresent() && !n.get().zombie() && n.get().startTicks() == t.startTicks();
  }

  private String describe(Target t) {
    return platform
        .processes()
        .node(t.pid())
        .map(
            n ->
                "state "
                    + n.state()
                    + (n.state().equals("D")
                        ? ": uninterruptible sleep"
                        : n.state().equals("T") ? ": stopped" : ""))
        .orElse("gone");
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("stop interrupted", e);
    }
  }
}
