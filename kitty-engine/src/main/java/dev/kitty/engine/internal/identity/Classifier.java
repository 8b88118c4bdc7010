package dev.kitty.engine.internal.identity;

import dev.kitty.api.CleanupClass;
import dev.kitty.api.Identity;
import dev.kitty.api.IdentitySource;
import dev.kitty.api.ListenerView;
import dev.kitty.api.ProcessView;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.discovery.ProcessSnapshot;
import dev.kitty.engine.internal.registry.FamilyRegistry;
import dev.kitty.engine.internal.state.StateStore;
import dev.kitty.engine.model.Candidate;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.FamilyScan;
import dev.kitty.engine.model.ScanReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Turns the listeners in family ranges into classified candidates. Each family's probe gives its
 * verdict; the engine then applies rules no family can override: a process that also holds a port
 * in another family's range, or that belongs to another user, is {@code never_touch}; a socket
 * whose owner cannot be seen is never {@code safe_auto}; a probe that throws or overruns its time
 * classifies nothing but its own candidate, as {@code never_touch}.
 */
public final class Classifier {

  private final Platform platform;
  private final FamilyRegistry registry;
  private final String stateDir;
  private final Duration probeTimeout;
  private final Duration httpTimeout;
  private final boolean allUsers;
  private final VerdictCache verdicts;
  private java.util.Map<String, String> environment = java.util.Map.of();

  /** A classifier over {@code platform} for the families of {@code registry}. */
  public Classifier(
      Platform platform,
      FamilyRegistry registry,
      String stateDir,
      Duration probeTimeout,
      Duration httpTimeout) {
    this(platform, registry, stateDir, probeTimeout, httpTimeout, false, VerdictCache.none());
  }

  /**
   * As above; with {@code allUsers} (and kitty running as root) other users' processes are
   * classified like kitty's own instead of {@code never_touch}; {@code verdicts} answers for
   * listeners a recent scan found {@code never_touch} (ADR 23).
   */
  public Classifier(
      Platform platform,
      FamilyRegistry registry,
      String stateDir,
      Duration probeTimeout,
      Duration httpTimeout,
      boolean allUsers,
      VerdictCache verdicts) {
    this.allUsers = allUsers;
    this.verdicts = verdicts;
    this.platform = platform;
    this.registry = registry;
    this.stateDir = stateDir;
    this.probeTimeout = probeTimeout;
    this.httpTimeout = httpTimeout;
  }

  private DisabledFamilies disabled = new DisabledFamilies();

  /**
   * The engine's record of families that broke at run time (ADR 34): they are not asked again, and
   * one that throws a {@link LinkageError} here joins them. Returns this classifier.
   */
  public Classifier withDisabled(DisabledFamilies families) {
    this.disabled = families;
    return this;
  }

  private ProbeIo io = ProbeIo.REAL;

  /**
   * Where probes read HTTP answers and files: the real machine, or a simulated one (ADR 35).
   * Returns this classifier.
   */
  public Classifier withProbeIo(ProbeIo io) {
    this.io = io;
    return this;
  }

  /** The environment families see ({@code ProbeContext.environment}); returns this classifier. */
  public Classifier withEnvironment(java.util.Map<String, String> env) {
    this.environment = java.util.Map.copyOf(env);
    return this;
  }

  /** Every listener in any loaded family's range, with holders. */
  public List<ListenerView> listenersInRanges() {
    return platform.listeners().listeners(port -> registry.owning(port).isPresent());
  }

  /** Scans the listeners in the ranges of {@code scope} (a subset of the registry's families). */
  public ScanReport scan(List<FamilyInfo> scope) {
    List<ListenerView> listeners = listenersInRanges();
    ProcessSnapshot snapshot = new ProcessSnapshot(platform.processes());
    return classify(scope, listeners, snapshot);
  }

  /** Classifies the given listeners against {@code scope}; exposed for the doctor and the map. */
  public ScanReport classify(
      List<FamilyInfo> scope, List<ListenerView> listeners, ProcessSnapshot snapshot) {
    int uid = platform.processes().currentUid();
    Map<Long, List<ListenerView>> byHolder = new HashMap<>();
    for (ListenerView l : listeners) {
      for (long pid : l.holderPids()) {
        byHolder.computeIfAbsent(pid, k -> new ArrayList<>()).add(l);
      }
    }
    record Task(
        FamilyInfo family,
        ListenerView listener,
        Future<Identity> verdict,
        ProcessView owner,
        ScanProbeContext probed) {}
    List<Task> tasks = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    // One platform thread per probe, not a virtual thread: virtual threads that meet a class being
    // initialised (the first probe to touch LoopbackHttp, a family's classes, Jackson) pin their
    // carrier, and on a 2-core machine that stalled a cold 10-probe scan by ~300 ms. A probe is a
    // few blocking reads, the count is bounded by the ranges' sizes, so a thread each is cheap.
    // Not try-with-resources: close() waits for every probe, so one that ignores its interrupt
    // would hold the scan past its deadline for ever. shutdownNow interrupts and does not wait;
    // a probe still running is a daemon thread whose answer nobody reads.
    ExecutorService pool =
        Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name("kitty-probe-", 0).factory());
    try {
      for (FamilyInfo f : scope) {
        for (ListenerView l : listeners) {
          if (!f.range().contains(l.port())) {
            continue;
          }
          ProcessView owner = snapshot.owner(l.holderPids()).flatMap(snapshot::view).orElse(null);
          var known = verdicts.get(f.id(), l, owner);
          if (known.isPresent()) {
            tasks.add(new Task(f, l, CompletableFuture.completedFuture(known.get()), owner, null));
            continue;
          }
          ScanProbeContext ctx =
              new ScanProbeContext(
                  f.range(),
                  l,
                  owner,
                  snapshot,
                  uid,
                  httpTimeout,
                  stateDir,
                  new StateStore(java.nio.file.Path.of(stateDir))
                      .singletonRecord(f.id())
                      .toString(),
                  environment,
                  io);
          var off = disabled.reason(f.id());
          tasks.add(
              off.isPresent()
                  ? new Task(
                      f,
                      l,
                      java.util.concurrent.CompletableFuture.completedFuture(
                          Identity.neverTouch("family " + f.id() + " is " + off.get())),
                      owner,
                      null)
                  : new Task(f, l, pool.submit(() -> f.family().identify(ctx)), owner, ctx));
        }
      }
      long deadline = System.nanoTime() + probeTimeout.toNanos();
      Map<String, List<Candidate>> byFamily = new LinkedHashMap<>();
      scope.forEach(f -> byFamily.put(f.id(), new ArrayList<>()));
      for (Task t : tasks) {
        int warned = warnings.size();
        Identity verdict = await(t.family(), t.verdict(), deadline, warnings);
        // Not when the scan was interrupted: its placeholder verdict ("scan interrupted") is no
        // probe's answer and must not be reused.
        if (t.probed() != null
            && warnings.size() == warned
            && !Thread.currentThread().isInterrupted()) {
          // The probe's own answer, before the engine's rules: those are applied afresh each scan.
          // Bound to the files it read: a change to any of them is a new probe (ADR 23).
          var read = t.probed().evidenceRead();
          if (read.isPresent()) {
            verdicts.put(t.family().id(), t.listener(), t.owner(), verdict, read.get());
          }
        }
        verdict = engineRules(t.family(), t.listener(), t.owner(), verdict, byHolder, uid);
        byFamily
            .get(t.family().id())
            .add(new Candidate(t.family().id(), t.listener(), t.owner(), verdict));
      }
      List<FamilyScan> out = new ArrayList<>();
      for (FamilyInfo f : scope) {
        List<Candidate> cs = byFamily.get(f.id());
        cs.sort(
            Comparator.comparingInt(Candidate::port).thenComparing(c -> c.listener().address()));
        out.add(new FamilyScan(f, cs));
      }
      return new ScanReport(out, warnings);
    } finally {
      pool.shutdownNow();
    }
  }

  private Identity await(
      FamilyInfo f, Future<Identity> verdict, long deadline, List<String> warnings) {
    try {
      long wait = Math.max(0, deadline - System.nanoTime());
      Identity id = verdict.get(wait, TimeUnit.NANOSECONDS);
      if (id == null) {
        throw new ExecutionException(new NullPointerException("identify() returned null"));
      }
      return id;
    } catch (TimeoutException e) {
      verdict.cancel(true);
      String why =
          "identity probe of family "
              + f.id()
              + " did not finish within "
              + probeTimeout.toMillis()
              + " ms";
      warnings.add(why);
      return Identity.neverTouch(why);
    } catch (ExecutionException e) {
      String why = "identity probe of family " + f.id() + " failed: " + e.getCause();
      if (e.getCause() instanceof LinkageError broken) {
        // Built against what this kitty does not have: not asked again, the rest keeps working.
        disabled.disable(f.id(), broken);
        why += "; the family is disabled";
      }
      warnings.add(why);
      return Identity.neverTouch(why);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Identity.neverTouch("scan interrupted");
    }
  }

  private Identity engineRules(
      FamilyInfo f,
      ListenerView l,
      ProcessView owner,
      Identity verdict,
      Map<Long, List<ListenerView>> byHolder,
      int uid) {
    if (verdict.cleanupClass() == CleanupClass.NEVER_TOUCH) {
      return verdict;
    }
    for (long holder : l.holderPids()) {
      for (ListenerView other : byHolder.getOrDefault(holder, List.of())) {
        var otherFamily = registry.owning(other.port());
        if (otherFamily.isPresent() && !otherFamily.get().id().equals(f.id())) {
          return verdict.demotedToNeverTouch(
              "pid "
                  + holder
                  + " also holds port "
                  + other.port()
                  + " in family "
                  + otherFamily.get().id()
                  + "'s range "
                  + otherFamily.get().range());
        }
      }
    }
    if (owner == null) {
      if (verdict.cleanupClass() == CleanupClass.SAFE_AUTO) {
        return new Identity(
            CleanupClass.OPERATOR_REQUIRED,
            verdict.source(),
            "no process holding the socket is visible",
            false,
            verdict.attributes());
      }
      return verdict;
    }
    if (owner.uid() >= 0 && uid >= 0 && owner.uid() != uid && !(allUsers && uid == 0)) {
      return verdict.demotedToNeverTouch(
          "owned by user " + owner.user() + " (uid " + owner.uid() + "), not kitty's user");
    }
    if (verdict.source() == IdentitySource.NONE
        && verdict.cleanupClass() == CleanupClass.SAFE_AUTO) {
      return verdict.demotedToNeverTouch("safe_auto without any identity source");
    }
    return verdict;
  }
}
