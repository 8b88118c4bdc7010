package dev.kitty.familykit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.api.Family;
import dev.kitty.api.HttpAnswer;
import dev.kitty.api.Identity;
import dev.kitty.api.IdentitySource;
import dev.kitty.api.PortRange;
import dev.kitty.api.ProbeContext;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The kit finds what it exists to find: each rule is broken by a family written to break it, and a
 * careful family keeps them all. The engine's own rules (another user, the range) hold even for a
 * reckless family: that is what "safe with this family loaded" means.
 */
class FamilyVerifierTest {

  /** A family of the range [8800, 8810) whose verdict is {@code probe}. */
  record Probing(String id, Function<ProbeContext, Identity> probe) implements Family {
    @Override
    public String description() {
      return "kit test family " + id;
    }

    @Override
    public PortRange defaultRange() {
      return new PortRange(8800, 8810);
    }

    @Override
    public Identity identify(ProbeContext ctx) {
      return probe.apply(ctx);
    }
  }

  /** Its daemon: "notebookd --port P", answering /api/status with its pid, port and a token. */
  static final FamilySample SAMPLE =
      new FamilySample(
          List.of("notebookd", "--port", "{port}"),
          Map.of(
              "/api/status",
              "{\"service\":\"notebookd\",\"pid\":{pid},\"port\":{port},\"token\":\"t0k3n\"}"));

  /**
   * The careful family: its own by command line and by an answer that names the listener's holder
   * and port; an answer alone, or a command line alone, is not enough.
   */
  static Identity careful(ProbeContext ctx) {
    var p = ctx.process().orElse(null);
    if (p == null || p.args().isEmpty() || !p.args().getFirst().equals("notebookd")) {
      return Identity.neverTouch("not notebookd");
    }
    HttpAnswer a = ctx.httpGet("/api/status");
    Map<String, Object> j = a.okJson() ? a.json() : Map.of();
    boolean names =
        "notebookd".equals(j.get("service"))
            && j.get("pid") instanceof Number pid
            && pid.longValue() == p.pid()
            && j.get("port") instanceof Number port
            && port.intValue() == ctx.listener().port();
    return names
        ? Identity.safeAuto(IdentitySource.HEALTH, Map.of("pid", p.pid()))
        : Identity.operatorRequired(
            IdentitySource.PROCESS_SHAPE, "notebookd, not proven", Map.of());
  }

  private static final FamilyVerifier KIT = new FamilyVerifier(40, FamilyVerifier.DEFAULT_SEED);

  private static VerifyReport.Check check(VerifyReport r, WorldKind kind) {
    return r.checks().stream().filter(c -> c.kind() == kind).findFirst().orElseThrow();
  }

  @Test
  void aCarefulFamilyKeepsEveryRule() {
    VerifyReport r =
        KIT.verify(new Probing("careful", FamilyVerifierTest::careful), List.of(SAMPLE));
    assertTrue(r.passed(), r.render());
    assertTrue(r.render().contains("verdict: safe"), r.render());
    assertTrue(r.checks().stream().allMatch(c -> c.worlds() >= 30), r.render());
  }

  @Test
  void aFamilyThatTrustsAnAnswerAloneIsCaughtByALookAlike() {
    // Proves by the answer only: another program answering the same is taken for its daemon.
    Function<ProbeContext, Identity> trusting =
        ctx -> {
          HttpAnswer a = ctx.httpGet("/api/status");
          return a.okJson() && "notebookd".equals(a.json().get("service"))
              ? Identity.safeAuto(IdentitySource.HEALTH, Map.of("service", "notebookd"))
              : Identity.neverTouch("silent");
        };
    VerifyReport r = KIT.verify(new Probing("trusting", trusting), List.of(SAMPLE));
    VerifyReport.Check look = check(r, WorldKind.LOOK_ALIKE);
    assertFalse(look.passed(), r.render());
    assertTrue(look.failure().contains("safe_auto for port"), look.failure());
    assertTrue(look.failure().contains("counterexample: LOOK_ALIKE"), look.failure());
    assertFalse(r.passed());
    assertTrue(r.render().contains("verdict: NOT safe"), r.render());
  }

  @Test
  void aRecklessFamilyBreaksItsRulesButNotTheEngines() {
    Function<ProbeContext, Identity> reckless =
        ctx -> Identity.safeAuto(IdentitySource.PROCESS_SHAPE, Map.of());
    VerifyReport r = KIT.verify(new Probing("reckless", reckless), List.of(SAMPLE));
    assertFalse(check(r, WorldKind.THIRD_PARTY).passed(), r.render());
    assertFalse(check(r, WorldKind.EVIDENCE).passed(), r.render());
    // The engine makes another user's process never_touch and classifies only the range, whatever
    // the family says.
    assertTrue(check(r, WorldKind.OTHER_USER).passed(), r.render());
    assertTrue(check(r, WorldKind.RANGE_EDGES).passed(), r.render());
    // And safe_auto that names no source at all is the engine's never_touch: nothing to act on.
    VerifyReport sourceless =
        KIT.verify(
            new Probing("sourceless", ctx -> Identity.safeAuto(IdentitySource.NONE, Map.of())),
            List.of(SAMPLE));
    assertTrue(sourceless.passed(), sourceless.render());
  }

  @Test
  void aProbeThatThrowsOnGarbageOrWaitsForeverIsCaught() {
    Function<ProbeContext, Identity> fragile =
        ctx -> {
          HttpAnswer a = ctx.httpGet("/api/status");
          if (!a.body().startsWith("{") && !a.body().isEmpty()) {
            throw new IllegalStateException("cannot parse " + a.body().length() + " chars");
          }
          return Identity.neverTouch("fine");
        };
    VerifyReport.Check hostile =
        check(
            KIT.verify(new Probing("fragile", fragile), List.of(SAMPLE)),
            WorldKind.HOSTILE_ANSWERS);
    assertFalse(hostile.passed());
    assertTrue(hostile.failure().contains("the probe threw"), hostile.failure());

    Function<ProbeContext, Identity> patient =
        ctx -> {
          // Retries until an answer comes: a silent port keeps it past every deadline.
          while (!ctx.httpGet("/api/status").okJson()) {
            if (Thread.currentThread().isInterrupted()) {
              return Identity.neverTouch("interrupted");
            }
          }
          return Identity.neverTouch("answered");
        };
    // A short deadline: every world of it is slow to try, and a failure is shrunk.
    VerifyReport.Check late =
        check(
            new FamilyVerifier(3, FamilyVerifier.DEFAULT_SEED, java.time.Duration.ofMillis(300))
                .verify(new Probing("patient", patient), List.of(SAMPLE)),
            WorldKind.HOSTILE_ANSWERS);
    assertFalse(late.passed());
    assertTrue(late.failure().contains("did not return within its deadline"), late.failure());
  }

  @Test
  void theSameSeedTriesTheSameWorlds() {
    VerifyReport a =
        KIT.verify(new Probing("careful", FamilyVerifierTest::careful), List.of(SAMPLE));
    VerifyReport b =
        KIT.verify(new Probing("careful", FamilyVerifierTest::careful), List.of(SAMPLE));
    assertEquals(
        a.checks().stream().map(VerifyReport.Check::worlds).toList(),
        b.checks().stream().map(VerifyReport.Check::worlds).toList());
  }
}
