package dev.kitty.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.engine.internal.registry.FamilyRegistry;
import dev.kitty.engine.internal.signal.AuditLog;
import dev.kitty.engine.internal.signal.Sig;
import dev.kitty.engine.internal.signal.SignalGate;
import dev.kitty.engine.internal.signal.SignalGate.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each rule of the gate, with the reason it records. */
class SignalGateTest {

  @TempDir Path state;

  private SignalGate gate(World w) {
    return new SignalGate(
        w.platform(),
        new FamilyRegistry(w.families, List.of()),
        w.signaller(),
        new AuditLog(state),
        false);
  }

  private static World world() {
    return new World()
        .family("a", 10_000, 10_010)
        .family("b", 10_010, 10_020)
        .process(100, 1, World.UID, "stale:a")
        .listener(10_000, 100L)
        .process(101, 100, World.UID, "child")
        .process(200, 1, World.UID, "stale:a")
        .listener(10_009, 200L)
        .listener(10_010, 200L)
        .process(300, 1, 0, "stale:a")
        .listener(10_001, 300L)
        .process(400, 1, World.UID, "stray");
  }

  @Test
  void everyRuleRefusesWithItsReason() {
    World w = world();
    SignalGate g = gate(w);
    assertEquals("pid 1 is never signalled", g.check(new Target(1, 10, "a")).reason());
    long self = ProcessHandle.current().pid();
    assertEquals(
        "pid " + self + " is kitty itself or one of its ancestors",
        g.check(new Target(self, 10, "a")).reason());
    assertEquals(
        "start time of pid 100 was unknown when it was classified",
        g.check(new Target(100, -1, "a")).reason());
    dev.kitty.engine.internal.signal.Verdict reused = g.check(new Target(100, 999, "a"));
    assertTrue(reused.gone());
    assertEquals(
        "pid 100 now names another process (start time changed): already gone", reused.reason());
    assertEquals("already gone", g.check(new Target(555, 5550, "a")).reason());
    assertEquals(
        "holds port 10010 in family b's range [10010, 10020)",
        g.check(new Target(200, 2000, "a")).reason());
    assertEquals(
        "owned by user u0 (uid 0), not kitty's user", g.check(new Target(300, 3000, "a")).reason());
    assertEquals(
        "holds no listener in a's range [10000, 10010) and is not a member of a daemon it stops",
        g.check(new Target(400, 4000, "a")).reason());
    assertFalse(
        g.check(new Target(101, 1010, "a")).allowed(),
        "a child is not a member until its daemon is approved");
    assertEquals(List.of(), w.sent);
  }

  @Test
  void aBurstChecksEveryTargetSendsOnlyToThoseAllowedAndAnswersInOrder() throws Exception {
    World w = world();
    SignalGate g = gate(w);
    List<dev.kitty.engine.internal.signal.Outcome> out =
        g.signalAll(
            List.of(
                new Target(400, 4000, "a"), new Target(100, 1000, "a"), new Target(200, 2000, "a")),
            Sig.TERM);
    assertEquals(
        List.of(false, true, false),
        out.stream().map(dev.kitty.engine.internal.signal.Outcome::sent).toList());
    assertTrue(out.get(2).verdict().reason().startsWith("holds port 10010 in family b"));
    assertEquals(1, w.sent.size(), "only the allowed target is signalled: " + w.sent);
    List<String> audit = Files.readAllLines(state.resolve("audit.log"));
    assertEquals(3, audit.size(), "every decision of the burst is audited");
    assertEquals(2, audit.stream().filter(l -> l.contains("\"refused\"")).count());
    assertEquals(List.of(), g.signalAll(List.of(), Sig.KILL));
  }

  @Test
  void aProcessOfALaunchThisFamilyMadeIsAMemberOnlyWithItsCookieAndAfterTheLaunch() {
    java.time.Instant t = java.time.Instant.parse("2026-11-24T10:00:00Z");
    // World gives pid N the start stamp N * 10: 500 and 501 started after stamp 4950, 490 before.
    World w =
        world()
            .launched(500, "cookie-1", t)
            .launched(501, "cookie-2", t)
            .launched(490, "cookie-1", t);
    SignalGate g = gate(w);
    assertFalse(g.check(new Target(500, 5000, "a")).allowed(), "no launch admitted yet");
    g.admitLaunch("cookie-1", "a", 4950);
    assertEquals(
        "member of launch cookie-1 (its cookie, started after the launch)",
        g.check(new Target(500, 5000, "a")).reason());
    assertFalse(g.check(new Target(501, 5010, "a")).allowed(), "another launch's cookie");
    assertFalse(
        g.check(new Target(490, 4900, "a")).allowed(),
        "started before the kitty that launched: the cookie was copied");
    assertFalse(g.check(new Target(500, 5000, "b")).allowed(), "another family's launch");
    // A launch on record is also admitted by its session: a member that dropped the cookie.
    assertFalse(g.check(new Target(501, 5010, "a")).allowed());
    // Its session proves nothing unless the session's leader is the recorded process: a pid the
    // kernel reused for a new session leader (a stranger's setsid) is no member.
    g.admitLaunch("cookie-8", "a", 4950, 501, 4990);
    assertFalse(
        g.check(new Target(501, 5010, "a")).allowed(),
        "session 501 is led by another process than the one on record");
    g.admitLaunch("cookie-9", "a", 4950, 501, 5010);
    assertEquals(
        "member of launch cookie-9 (its session 501, started after the launch)",
        g.check(new Target(501, 5010, "a")).reason());
  }

  @Test
  void approvingADaemonSnapshotsItsDescendantsAndAuditsEveryDecision() throws Exception {
    World w = world();
    SignalGate g = gate(w);
    dev.kitty.engine.internal.signal.Approval a =
        g.approveRoot(new Target(100, 1000, "a"), List.of());
    assertTrue(a.verdict().allowed());
    assertEquals("holds port 10000 in a's range", a.verdict().reason());
    assertEquals(List.of(new Target(101, 1010, "a")), a.descendants());
    assertTrue(g.signal(new Target(101, 1010, "a"), Sig.TERM).sent());
    assertTrue(g.signal(new Target(100, 1000, "a"), Sig.TERM).sent());
    assertFalse(g.signal(new Target(400, 4000, "a"), Sig.TERM).sent());
    List<String> audit = Files.readAllLines(state.resolve("audit.log"));
    assertEquals(4, audit.size(), audit.toString());
    assertTrue(
        audit.get(1).contains("\"pid\":101")
            && audit.get(1).contains("\"decision\":\"allowed\"")
            && audit.get(1).contains("\"outcome\":\"sent\""),
        audit.get(1));
    assertTrue(audit.get(3).contains("\"decision\":\"refused\""), audit.get(3));
  }

  @Test
  void onlyNamedAncestorsThatAreShellWrappersBecomeMembers() {
    World w =
        new World()
            .family("a", 10_000, 10_010)
            .process(50, 1, World.UID, "sh", "-c", "while true; do python app.py; done")
            .process(60, 50, World.UID, "python", "app.py")
            .listener(10_002, 60L)
            .process(61, 50, World.UID, "python", "worker.py");
    SignalGate g = gate(w);
    dev.kitty.engine.internal.signal.Approval named =
        g.approveRoot(new Target(60, 600, "a"), List.of(50L));
    assertEquals(List.of(new Target(50, 500, "a")), named.wrappers());
    assertEquals(
        List.of(61L),
        named.descendants().stream().map(Target::pid).toList(),
        "the wrapper's other children, not the root itself");
    SignalGate other =
        gate(
            new World()
                .family("a", 10_000, 10_010)
                .process(50, 1, World.UID, "bash")
                .process(60, 50, World.UID, "python")
                .listener(10_002, 60L));
    assertEquals(
        List.of(),
        other.approveRoot(new Target(60, 600, "a"), List.of(50L)).wrappers(),
        "an interactive shell is not a wrapper");
  }
}
