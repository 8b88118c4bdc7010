package dev.kitty.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.kitty.api.ListenerView;
import dev.kitty.api.ProcessView;
import dev.kitty.engine.model.Candidate;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.KittyException;
import dev.kitty.engine.model.ScanReport;
import dev.kitty.engine.model.StopProgress;
import dev.kitty.engine.model.StopReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The stop engine's safety rules over generated worlds: families with random, sometimes adjacent
 * ranges; listeners on boundary and random ports; sockets shared by parent and child; processes
 * that hold ports in two families' ranges; third parties; pids reused between scan and signal. For
 * every cleanup path and every family, no signal ever reaches a process it must not.
 */
class StopSafetyTest {

  /**
   * A generated world, rebuilt fresh for each path so that every run starts from the same state.
   */
  record Spec(long seed, boolean seedRanges) {
    World build() {
      Random r = new Random(seed);
      World w = new World();
      int families;
      int from;
      int low;
      if (seedRanges) {
        // The seed's two ranges, with the sync family's plan: seed 001's NFR-001…NFR-003.
        w.family("dashboard", 9237, 9337).family("sync", 9400, 9450, World.SYNC_PLAN);
        families = 2;
        low = 9_227;
        from = 9_460;
      } else {
        families = 2 + r.nextInt(3);
        from = 10_000;
        low = 9_990;
        for (int i = 0; i < families; i++) {
          int width = 2 + r.nextInt(30);
          w.family("f" + i, from, from + width);
          from = from + width + (r.nextBoolean() ? 0 : 1 + r.nextInt(5));
        }
      }
      List<Integer> ports = new ArrayList<>();
      for (FamilyInfo f : w.families) {
        ports.addAll(
            List.of(f.range().from() - 1, f.range().from(), f.range().to() - 1, f.range().to()));
      }
      int processes = 1 + r.nextInt(12);
      long pid = 100;
      for (int i = 0; i < processes; i++) {
        long p = pid++;
        String fam = w.families.get(r.nextInt(families)).id();
        String kind =
            switch (r.nextInt(3)) {
              case 0 -> "stale:" + fam;
              case 1 -> "own:" + fam;
              default -> "third";
            };
        w.process(p, 1, r.nextInt(10) == 0 ? 0 : World.UID, kind);
        int held = 1 + (r.nextInt(5) == 0 ? 1 : 0);
        List<Long> holders = new ArrayList<>(List.of(p));
        if (!kind.equals("third") && r.nextInt(3) == 0) {
          long child = pid++;
          w.process(child, p, World.UID, "child");
          if (r.nextBoolean()) {
            holders.add(child);
          }
          if (r.nextBoolean()) {
            w.process(pid++, child, World.UID, "grandchild");
          }
        }
        for (int j = 0; j < held; j++) {
          int port =
              r.nextBoolean()
                  ? ports.get(r.nextInt(ports.size()))
                  : low + r.nextInt(from - low + 10);
          w.listener(port, holders.toArray(Long[]::new));
        }
        if (r.nextInt(6) == 0) {
          w.reuseAfterScan.add(p);
        }
        if (r.nextInt(5) == 0) {
          // Between scan and signal it starts listening in a random family's range (another
          // family's, most often): the gate must see it at the moment it decides.
          FamilyInfo late = w.families.get(r.nextInt(families));
          w.lateListeners.put(
              p, late.range().from() + r.nextInt(late.range().to() - late.range().from()));
        }
      }
      return w;
    }
  }

  /** What the world looked like before any path ran, and the listeners that appear after. */
  record Before(
      Map<Long, ProcessView> processes,
      List<ListenerView> listeners,
      List<FamilyInfo> families,
      Map<Long, Integer> late) {
    static Before of(World w) {
      return new Before(
          new HashMap<>(w.processes),
          List.copyOf(w.listeners),
          List.copyOf(w.families),
          Map.copyOf(w.lateListeners));
    }

    Set<Integer> ports(long pid) {
      Set<Integer> out = new HashSet<>();
      listeners.stream().filter(l -> l.holderPids().contains(pid)).forEach(l -> out.add(l.port()));
      return out;
    }

    String familyOf(int port) {
      return families.stream()
          .filter(f -> f.range().contains(port))
          .map(FamilyInfo::id)
          .findFirst()
          .orElse(null);
    }

    boolean holdsIn(long pid, String family) {
      return ports(pid).stream().anyMatch(p -> family.equals(familyOf(p)));
    }

    /** Whether {@code pid} or one of its ancestors holds a port in {@code family}'s range. */
    boolean memberOf(long pid, String family) {
      Set<Long> seen = new HashSet<>();
      for (long p = pid;
          p > 1 && seen.add(p) && processes.containsKey(p);
          p = processes.get(p).ppid()) {
        if (holdsIn(p, family)) {
          return true;
        }
      }
      return false;
    }
  }

  private static void assertSafe(
      Before before, World after, String family, boolean autoOnly, String path) {
    for (dev.kitty.testkit.RecordingSignaller.Sent s : after.sent) {
      ProcessView p = before.processes().get(s.pid());
      String where = path + " as " + family + ": " + s.sig() + " to " + s.pid();
      assertTrue(p != null, where + " which never existed");
      assertEquals(p.startTicks(), s.startTicks(), where + ": a reused pid was signalled");
      assertTrue(s.pid() > 1, where);
      assertFalse(
          p.args().getFirst().equals("third"), where + ": a third-party process was signalled");
      for (int port : before.ports(s.pid())) {
        String owner = before.familyOf(port);
        assertTrue(
            owner == null || owner.equals(family),
            where + ": it holds port " + port + " of family " + owner);
      }
      Integer late = before.late().get(s.pid());
      if (late != null) {
        String owner = before.familyOf(late);
        assertTrue(
            owner == null || owner.equals(family),
            where + ": it started listening on " + late + " of family " + owner + " before it");
      }
      assertTrue(
          before.memberOf(s.pid(), family),
          where + ": neither it nor an ancestor holds a port in " + family + "'s range");
      assertTrue(p.uid() == World.UID, where + ": another user's process");
      if (autoOnly) {
        // The daemon it belongs to: its outermost ancestor-or-self holding a port in the range.
        long root = -1;
        Set<Long> seen = new HashSet<>();
        for (long q = s.pid();
            q > 1 && seen.add(q) && before.processes().containsKey(q);
            q = before.processes().get(q).ppid()) {
          if (before.holdsIn(q, family)) {
            root = q;
          }
        }
        assertEquals(
            "stale:" + family,
            before.processes().get(root).args().getFirst(),
            where + ": cleanup stopped a daemon that is not safe_auto");
      }
    }
  }

  private static void assertEveryCandidateOnce(StopReport r) {
    List<StopReport.Entry> all = new ArrayList<>();
    all.addAll(r.swept());
    all.addAll(r.skipped());
    all.addAll(r.failed());
    Set<String> seen = new HashSet<>();
    for (StopReport.Entry e : all) {
      String key =
          e.candidate().daemonFamily()
              + "/"
              + e.candidate().port()
              + "/"
              + e.candidate().listener().address()
              + "/"
              + e.candidate().listener().inode();
      assertTrue(seen.add(key), "candidate in two arrays: " + key);
    }
  }

  private void forEveryPath(long seed, boolean seedRanges) {
    Spec spec = new Spec(seed, seedRanges);
    World probe = spec.build();
    for (FamilyInfo f : probe.families) {
      String id = f.id();
      Map<String, Function<Kitty, StopReport>> paths = new java.util.LinkedHashMap<>();
      paths.put("cleanup", k -> k.cleanup(List.of(id), false, StopProgress.NONE));
      paths.put("doctor --reset", k -> k.reset(List.of(id), false, StopProgress.NONE));
      for (var path : paths.entrySet()) {
        World w = spec.build();
        Before before = Before.of(w);
        StopReport r = path.getValue().apply(w.kitty());
        assertSafe(before, w, id, path.getKey().equals("cleanup"), path.getKey());
        assertEveryCandidateOnce(r);
      }
      // kill: every pid that listens in the family's range, one at a time.
      World scan = spec.build();
      for (Candidate c : scan.kitty().scan(List.of(id)).candidates().toList()) {
        if (c.pid() == null) {
          continue;
        }
        World w = spec.build();
        Before before = Before.of(w);
        try {
          w.kitty().kill(c.pid(), id, false, StopProgress.NONE);
        } catch (KittyException.Usage reusedBeforeScan) {
          continue;
        }
        assertSafe(before, w, id, false, "kill " + c.pid());
      }
    }
  }

  @Test
  void noPathEverSignalsAProcessItMustNot() {
    qt().withExamples(1000).forAll(integers().all()).checkAssert(seed -> forEveryPath(seed, false));
  }

  @Test
  void noSyncOrDashboardPathEverSignalsAcrossTheSeedRanges() {
    qt().withExamples(1000).forAll(integers().all()).checkAssert(seed -> forEveryPath(seed, true));
  }

  @Test
  void aReusedPidIsRefusedOnEveryPathThatCanSignal() {
    // psutil's test: the identity captured at scan time no longer matches at signal time.
    for (String path : List.of("cleanup", "reset", "kill")) {
      World w =
          new World()
              .family("f0", 10_000, 10_010)
              .process(100, 1, World.UID, "stale:f0")
              .listener(10_001, 100L);
      w.reuseAfterScan.add(100L);
      Kitty k = w.kitty();
      StopReport r =
          switch (path) {
            case "cleanup" -> k.cleanup(List.of("f0"), false, StopProgress.NONE);
            case "reset" -> k.reset(List.of("f0"), false, StopProgress.NONE);
            default -> k.kill(100, "f0", false, StopProgress.NONE);
          };
      assertEquals(List.of(), w.sent, path + " signalled a reused pid");
      assertEquals(1, r.skipped().size(), path + ": " + r);
      assertTrue(
          r.skipped().getFirst().reason().equals("already gone"), r.skipped().getFirst().reason());
    }
  }

  @Test
  void cleanupStopsSafeAutoOnlyAndResetAlsoOperatorRequired() {
    World w =
        new World()
            .family("f0", 10_000, 10_010)
            .process(100, 1, World.UID, "stale:f0")
            .listener(10_001, 100L)
            .process(101, 1, World.UID, "own:f0")
            .listener(10_002, 101L)
            .process(102, 1, World.UID, "third")
            .listener(10_003, 102L);
    StopReport cleanup = w.kitty().cleanup(List.of("f0"), false, StopProgress.NONE);
    assertEquals(List.of(100L), cleanup.swept().stream().map(e -> e.candidate().pid()).toList());
    assertEquals("tree", cleanup.swept().getFirst().path());
    assertEquals(2, cleanup.skipped().size());
    assertEquals(
        "operator_required: run kitty doctor f0 --reset", cleanup.skipped().get(0).reason());
    assertEquals("third party", cleanup.skipped().get(1).reason());
    StopReport reset = w.kitty().reset(List.of("f0"), false, StopProgress.NONE);
    assertEquals(List.of(101L), reset.swept().stream().map(e -> e.candidate().pid()).toList());
    assertTrue(w.processes.containsKey(102L), "the third party survives");
  }

  @Test
  void aProcessThatIgnoresEverySignalIsReportedFailedWithItsState() {
    // A daemon with a child: the plan freezes the tree (a lone process is not frozen: nothing to
    // respawn).
    World w =
        new World()
            .family("f0", 10_000, 10_010)
            .process(100, 1, World.UID, "stale:f0")
            .listener(10_001, 100L)
            .process(101, 100, World.UID, "child");
    w.ignoresSignals.add(100L);
    w.ignoresSignals.add(101L);
    StopReport r = w.kitty().cleanup(List.of("f0"), false, StopProgress.NONE);
    assertEquals(1, r.failed().size(), r.toString());
    assertTrue(
        r.failed().getFirst().reason().startsWith("port 10001 still listening"),
        r.failed().getFirst().reason());
    assertTrue(
        w.sent.stream().anyMatch(s -> s.sig() == dev.kitty.engine.internal.signal.Sig.KILL),
        "KILL after the grace");
    assertTrue(
        w.sent.stream().anyMatch(s -> s.sig() == dev.kitty.engine.internal.signal.Sig.CONT),
        "a frozen survivor is thawed");
  }

  @Test
  void epermIsAFailureWithTheReasonAndAVanishedTargetIsSkipped() {
    World w =
        new World()
            .family("f0", 10_000, 10_010)
            .process(100, 1, World.UID, "stale:f0")
            .listener(10_001, 100L)
            .process(101, 1, World.UID, "stale:f0")
            .listener(10_002, 101L);
    w.refusesWithEperm.add(100L);
    Kitty k = w.kitty();
    ScanReport scan = k.scan(List.of("f0"));
    w.processes.remove(101L);
    StopReport r = k.cleanup(List.of("f0"), false, StopProgress.NONE);
    assertEquals(1, r.failed().size(), r.toString());
    assertEquals("EPERM: operation not permitted", r.failed().getFirst().reason());
    assertEquals(
        scan.candidates().count() - 1,
        r.failed().size(),
        "the vanished one was never a candidate of the second scan");
  }

  @Test
  void aRecordedWindowsHierarchyIsStoppedWrappersFirst() {
    World w = seed002(World.TREE_PLAN);
    StopReport r = w.kitty().cleanup(List.of("webui"), false, StopProgress.NONE);
    assertEquals(1, r.swept().size(), r.toString());
    List<Long> order =
        w.sent.stream()
            .filter(s -> s.sig() == dev.kitty.engine.internal.signal.Sig.TERM)
            .map(dev.kitty.testkit.RecordingSignaller.Sent::pid)
            .toList();
    assertEquals(
        List.of(17532L, 35368L, 40880L, 40900L, 40901L),
        order,
        "the cmd.exe parents go before the python they respawn");
    assertTrue(w.processes.isEmpty(), "nothing of the tree is left: " + w.processes.keySet());
  }

  @Test
  void theWebuiPlanKillsTheCmdExeWrappersBeforeAnythingElseIsSignalled() {
    // The same recorded table as above, with the webui family's own plan (ADR 19): the wrappers
    // get KILL while the tree is frozen (where the platform can freeze), before the server or a
    // worker gets anything but STOP.
    World w = seed002(dev.kitty.api.StopPlan.wrappersFirst(Duration.ofMillis(50)));
    StopReport r = w.kitty().cleanup(List.of("webui"), false, StopProgress.NONE);
    assertEquals(1, r.swept().size(), r.toString());
    List<dev.kitty.testkit.RecordingSignaller.Sent> acted =
        w.sent.stream()
            .filter(
                x ->
                    x.sig() != dev.kitty.engine.internal.signal.Sig.STOP
                        && x.sig() != dev.kitty.engine.internal.signal.Sig.CONT)
            .toList();
    assertEquals(
        List.of(17532L, 35368L),
        acted.subList(0, 2).stream().map(dev.kitty.testkit.RecordingSignaller.Sent::pid).toList(),
        "the wrappers first: " + acted);
    assertTrue(
        acted.subList(0, 2).stream()
            .allMatch(x -> x.sig() == dev.kitty.engine.internal.signal.Sig.KILL),
        acted.toString());
    assertEquals(
        Set.of(40880L, 40900L, 40901L),
        new HashSet<>(
            acted.subList(2, acted.size()).stream()
                .map(dev.kitty.testkit.RecordingSignaller.Sent::pid)
                .toList()),
        "then the server and its workers: " + acted);
    assertTrue(w.processes.isEmpty(), "nothing of the tree is left: " + w.processes.keySet());
  }

  @Test
  void onWindowsTheWebuiPlanSuspendsTheTreeAndTerminatesTheCmdExeWrappersFirst() {
    // Seed 002's table again, with the Windows signaller (process handles) in place of signals.
    World w = seed002(dev.kitty.api.StopPlan.wrappersFirst(Duration.ofMillis(50)));
    var api = new dev.kitty.testkit.FakeWin32Api(w.processes);
    StopReport r =
        w.kitty(new dev.kitty.engine.internal.signal.Win32Signaller(api))
            .cleanup(List.of("webui"), false, StopProgress.NONE);
    assertEquals(1, r.swept().size(), r.toString());
    List<String> calls =
        api.calls().stream().map(c -> c.name().substring(0, 4) + " " + c.pid()).toList();
    assertEquals(
        List.of(
            "NtSu 17532",
            "NtSu 35368",
            "NtSu 40880",
            "NtSu 40900",
            "NtSu 40901",
            "Term 17532",
            "Term 35368"),
        calls.subList(0, 7),
        "the whole tree suspended, then the wrappers terminated: " + calls);
    assertEquals(
        Set.of("Term 40880", "Term 40900", "Term 40901"),
        new HashSet<>(
            calls.subList(7, calls.size()).stream().filter(c -> c.startsWith("Term")).toList()),
        calls.toString());
    assertTrue(w.processes.isEmpty(), "nothing of the tree is left: " + w.processes.keySet());
    assertEquals(0, api.openHandles());
  }

  /**
   * Seed 002's Windows process table: cmd.exe /c webui-user.bat -> cmd.exe /c python launch.py ->
   * python (listening on 7860) -> 2 workers, under a webui family that names the wrappers and stops
   * with {@code plan}.
   */
  private static World seed002(dev.kitty.api.StopPlan plan) {
    World w =
        new World()
            .family("webui", 7860, 7900)
            .process(17532, 1, World.UID, "cmd.exe", "/c", "webui-user.bat")
            .process(35368, 17532, World.UID, "cmd.exe", "/c", "python", "launch.py")
            .process(40880, 35368, World.UID, "stale:webui", "launch.py")
            .listener(7860, 40880L)
            .process(40900, 40880, World.UID, "python.exe", "worker")
            .process(40901, 40880, World.UID, "python.exe", "worker");
    dev.kitty.api.PortRange range = new dev.kitty.api.PortRange(7860, 7900);
    w.families.set(
        0,
        new FamilyInfo(new WrapperNamingFamily("webui", range, plan), range, "m", "builtin", "1"));
    return w;
  }

  /** Like the webui family: names the shell wrappers above its listener. */
  record WrapperNamingFamily(
      String id, dev.kitty.api.PortRange defaultRange, dev.kitty.api.StopPlan plan)
      implements dev.kitty.api.Family {
    WrapperNamingFamily(String id, dev.kitty.api.PortRange defaultRange) {
      this(id, defaultRange, World.TREE_PLAN);
    }

    @Override
    public String description() {
      return "wrapper-naming fixture";
    }

    @Override
    public dev.kitty.api.StopPlan stopPlan() {
      return plan;
    }

    @Override
    public dev.kitty.api.Identity identify(dev.kitty.api.ProbeContext ctx) {
      var wrappers = ctx.shellWrappers(ctx.process().orElseThrow());
      return dev.kitty.api.Identity.safeAuto(
          dev.kitty.api.IdentitySource.PROCESS_SHAPE, Map.of("wrapper_pids", wrappers));
    }
  }

  @Test
  void aLoneProcessIsNotFrozen() {
    // Nothing to respawn it: TERM, then KILL after the grace, no STOP/CONT round trip.
    World lone =
        new World()
            .family("f0", 10_000, 10_010)
            .process(100, 1, World.UID, "stale:f0")
            .listener(10_001, 100L);
    lone.ignoresSignals.add(100L);
    lone.kitty().cleanup(List.of("f0"), false, StopProgress.NONE);
    assertEquals(
        List.of(
            dev.kitty.engine.internal.signal.Sig.TERM, dev.kitty.engine.internal.signal.Sig.KILL),
        lone.sent.stream().map(dev.kitty.testkit.RecordingSignaller.Sent::sig).toList());
  }

  @Test
  void aDryRunSignalsNothing() {
    World w =
        new World()
            .family("f0", 10_000, 10_010)
            .process(100, 1, World.UID, "stale:f0")
            .listener(10_001, 100L);
    StopReport r = w.kitty().reset(List.of("f0"), true, StopProgress.NONE);
    assertTrue(r.dryRun());
    assertEquals(1, r.swept().size());
    assertEquals(List.of(), w.sent);
  }
}
