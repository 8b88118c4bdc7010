package dev.kitty.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.kitty.api.ProcessView;
import dev.kitty.engine.internal.launch.LaunchMembers;
import dev.kitty.engine.internal.registry.FamilyRegistry;
import dev.kitty.engine.internal.signal.AuditLog;
import dev.kitty.engine.internal.signal.SignalGate;
import dev.kitty.engine.internal.signal.SignalGate.Target;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Launch membership over generated process tables where the kernel recycled the launch's session id
 * (finding 2 of the safety review, ADR 19 addendum): once every process of a launch's session is
 * gone, its number may lead a stranger's new session. Whatever the world, the members found and the
 * processes the gate admits as members are only the launch's own.
 */
class SessionReuseTest {

  static final String COOKIE = "launch-1";
  static final long SID = 500;
  static final long LEADER_TICKS = 5_000;
  static final long NOT_BEFORE = 4_000;

  /** A generated world and the ground truth: which pids are the launch's. */
  record Case(World world, Set<Long> ours, Set<Long> oursWithCookie) {}

  static Case generate(long seed) {
    Random r = new Random(seed);
    World w = new World().family("webui", 7860, 7960);
    Set<Long> ours = new HashSet<>();
    Set<Long> withCookie = new HashSet<>();
    long pid = 600;
    long ticks = LEADER_TICKS + 1;
    int shape = r.nextInt(3);
    if (shape == 0) {
      // The launch's session is alive: its leader is the recorded process.
      w.inSession(SID, 1, SID, LEADER_TICKS, r.nextBoolean() ? COOKIE : null, "leader");
      ours.add(SID);
      if (w.processes.get(SID).cookies().containsKey(ProcessView.LAUNCH_COOKIE)) {
        withCookie.add(SID);
      }
      int members = r.nextInt(5);
      for (int i = 0; i < members; i++) {
        long p = pid++;
        boolean cookie = r.nextBoolean();
        w.inSession(p, SID, SID, ticks++, cookie ? COOKIE : null, "member");
        ours.add(p);
        if (cookie) {
          withCookie.add(p);
        }
      }
    } else {
      // The leader is gone. Members that kept the cookie may survive in sessions of their own.
      int survivors = r.nextInt(3);
      for (int i = 0; i < survivors; i++) {
        long p = pid++;
        w.inSession(p, 1, p, ticks++, COOKIE, "survivor");
        ours.add(p);
        withCookie.add(p);
      }
      if (shape == 2) {
        // The kernel gave the session's number to a stranger that called setsid (a shell, tmux),
        // started after the launch, with children of its own in that session.
        w.inSession(SID, 1, SID, LEADER_TICKS + 50 + r.nextInt(1000), null, "stranger");
        int children = r.nextInt(4);
        for (int i = 0; i < children; i++) {
          w.inSession(pid++, SID, SID, LEADER_TICKS + 2_000 + i, null, "stranger-child");
        }
      }
    }
    // Someone who copied the cookie before the launch existed, and unrelated processes.
    if (r.nextBoolean()) {
      w.inSession(pid++, 1, 42, NOT_BEFORE - 10 - r.nextInt(100), COOKIE, "copied");
    }
    int others = r.nextInt(4);
    for (int i = 0; i < others; i++) {
      long p = pid++;
      w.inSession(p, 1, r.nextBoolean() ? p : 77, ticks++, null, "other");
    }
    return new Case(w, ours, withCookie);
  }

  @Test
  void membersFoundAreOnlyTheLaunchsOwnWhateverTheKernelReused() {
    qt().withExamples(1000)
        .forAll(integers().all())
        .checkAssert(
            seed -> {
              Case c = generate(seed);
              List<ProcessView> found =
                  LaunchMembers.find(
                      c.world().platform().processes(), COOKIE, NOT_BEFORE, SID, LEADER_TICKS);
              Set<Long> pids = new HashSet<>();
              found.forEach(v -> pids.add(v.pid()));
              assertTrue(c.ours().containsAll(pids), "seed " + seed + ": strangers " + pids);
              assertTrue(
                  pids.containsAll(c.oursWithCookie()),
                  "seed " + seed + ": a cookie carrier was missed: " + pids);
            });
  }

  @Test
  void theGateNeverAdmitsAStrangerInARecycledSession() {
    qt().withExamples(1000)
        .forAll(integers().all())
        .checkAssert(
            seed -> {
              Case c = generate(seed);
              World w = c.world();
              SignalGate g =
                  new SignalGate(
                      w.platform(),
                      new FamilyRegistry(w.families, List.of()),
                      w.signaller(),
                      new AuditLog(null),
                      false);
              g.admitLaunch(COOKIE, "webui", NOT_BEFORE, SID, LEADER_TICKS);
              for (ProcessView p : List.copyOf(w.processes.values())) {
                boolean allowed = g.check(new Target(p.pid(), p.startTicks(), "webui")).allowed();
                if (!c.ours().contains(p.pid())) {
                  assertFalse(allowed, "seed " + seed + ": stranger " + p.pid() + " " + p.args());
                }
              }
              assertEquals(List.of(), w.sent);
              // A stop signals the launch's group (the recycled number is the stranger's group
              // too): only when every member of the group passes, else member by member.
              List<Target> members =
                  LaunchMembers.find(
                          w.platform().processes(), COOKIE, NOT_BEFORE, SID, LEADER_TICKS)
                      .stream()
                      .map(v -> new Target(v.pid(), v.startTicks(), "webui"))
                      .toList();
              g.signalGroup(SID, members, dev.kitty.engine.internal.signal.Sig.TERM);
              for (dev.kitty.testkit.RecordingSignaller.Sent s : w.sent) {
                assertTrue(c.ours().contains(s.pid()), "seed " + seed + ": signalled " + s);
              }
            });
  }

  @Test
  void aRecycledSessionLedByAStrangerAdmitsNothing() {
    World w =
        new World()
            .family("webui", 7860, 7960)
            .inSession(SID, 1, SID, LEADER_TICKS + 90, null, "setsid sleep 1000")
            .inSession(601, SID, SID, LEADER_TICKS + 95, null, "its child");
    assertEquals(
        List.of(),
        LaunchMembers.find(w.platform().processes(), COOKIE, NOT_BEFORE, SID, LEADER_TICKS));
    assertEquals(
        List.of(),
        LaunchMembers.find(w.platform().processes(), COOKIE, NOT_BEFORE, SID, -1),
        "an unknown leader stamp: the session proves nothing");
  }
}
