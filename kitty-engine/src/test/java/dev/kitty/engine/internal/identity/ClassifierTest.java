package dev.kitty.engine.internal.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.kitty.api.CleanupClass;
import dev.kitty.api.Family;
import dev.kitty.api.Identity;
import dev.kitty.api.IdentitySource;
import dev.kitty.api.PortRange;
import dev.kitty.api.ProbeContext;
import dev.kitty.engine.internal.registry.FamilyRegistry;
import dev.kitty.engine.model.Candidate;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.ScanReport;
import dev.kitty.testkit.TestWorld;
import dev.kitty.testkit.WorldPlatform;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ClassifierTest {

  /** A family whose verdict is a function of the probe context. */
  record TestFamily(String id, PortRange defaultRange, Function<ProbeContext, Identity> probe)
      implements Family {
    @Override
    public String description() {
      return "test";
    }

    @Override
    public Identity identify(ProbeContext context) {
      return probe.apply(context);
    }
  }

  static final Function<ProbeContext, Identity> CLAIMS_ALL =
      ctx ->
          Identity.safeAuto(
              IdentitySource.PROCESS_SHAPE, Map.of("seen_port", ctx.listener().port()));

  static FamilyInfo fam(String id, int from, int to, Function<ProbeContext, Identity> probe) {
    PortRange r = new PortRange(from, to);
    return new FamilyInfo(new TestFamily(id, r, probe), r, "m", "builtin", "1");
  }

  static ScanReport scan(TestWorld world, Duration probeTimeout, FamilyInfo... families) {
    FamilyRegistry reg = new FamilyRegistry(List.of(families), List.of());
    return new Classifier(
            WorldPlatform.of(world, "fake"),
            reg,
            "/tmp/state",
            probeTimeout,
            Duration.ofMillis(200))
        .scan(List.of(families));
  }

  @Test
  void aProbeThatThrowsClassifiesOnlyItsOwnCandidateAsNeverTouch() {
    TestWorld w =
        new TestWorld()
            .process(10, 1, TestWorld.UID, "a")
            .process(20, 1, TestWorld.UID, "b")
            .listener(5001, 10L)
            .listener(6001, 20L);
    ScanReport r =
        scan(
            w,
            Duration.ofSeconds(2),
            fam(
                "boom",
                5000,
                5100,
                ctx -> {
                  throw new IllegalStateException("kaput");
                }),
            fam("fine", 6000, 6100, CLAIMS_ALL));
    Candidate boom = r.families().get(0).candidates().getFirst();
    assertEquals(CleanupClass.NEVER_TOUCH, boom.cleanupClass());
    assertEquals(
        "identity probe of family boom failed: java.lang.IllegalStateException: kaput",
        boom.identity().skipReason());
    assertEquals(
        CleanupClass.SAFE_AUTO, r.families().get(1).candidates().getFirst().cleanupClass());
  }

  @Test
  void aFamilyThatBreaksWithALinkageErrorIsDisabledAndNotAskedAgain() {
    TestWorld w =
        new TestWorld()
            .process(10, 1, TestWorld.UID, "a")
            .process(20, 1, TestWorld.UID, "b")
            .listener(5001, 10L)
            .listener(6001, 20L);
    java.util.concurrent.atomic.AtomicInteger asked =
        new java.util.concurrent.atomic.AtomicInteger();
    FamilyInfo broken =
        fam(
            "broken",
            5000,
            5100,
            ctx -> {
              asked.incrementAndGet();
              // What the JVM throws when a family calls an API method this kitty does not have.
              throw new NoSuchMethodError(
                  "'dev.kitty.api.Identity dev.kitty.api.Identity.later()'");
            });
    FamilyInfo fine = fam("fine", 6000, 6100, CLAIMS_ALL);
    FamilyRegistry reg = new FamilyRegistry(List.of(broken, fine), List.of());
    DisabledFamilies disabled = new DisabledFamilies();
    for (int round = 0; round < 2; round++) {
      ScanReport r =
          new Classifier(
                  WorldPlatform.of(w, "fake"),
                  reg,
                  "/tmp/state",
                  Duration.ofSeconds(2),
                  Duration.ofMillis(200))
              .withDisabled(disabled)
              .scan(List.of(broken, fine));
      Candidate b = r.families().get(0).candidates().getFirst();
      assertEquals(CleanupClass.NEVER_TOUCH, b.cleanupClass());
      assertTrue(
          b.identity().skipReason().contains("NoSuchMethodError"), b.identity().skipReason());
      assertEquals(
          CleanupClass.SAFE_AUTO, r.families().get(1).candidates().getFirst().cleanupClass());
    }
    assertEquals(1, asked.get(), "a disabled family is not asked again");
    assertTrue(
        disabled
            .reason("broken")
            .orElseThrow()
            .startsWith("disabled at run time: java.lang.NoSuchMethodError"));
    assertTrue(disabled.reason("fine").isEmpty());
  }

  @Test
  void aFamilyWhoseRecordNotesFailIsANoteNotAnErrorOfTheCommand() {
    Family broken =
        new Family() {
          @Override
          public String id() {
            return "broken";
          }

          @Override
          public String description() {
            return "test";
          }

          @Override
          public PortRange defaultRange() {
            return new PortRange(5000, 5100);
          }

          @Override
          public Identity identify(ProbeContext context) {
            return Identity.neverTouch("x");
          }

          @Override
          public List<String> recordNotes(String scope) {
            throw new NoSuchMethodError("'java.util.List dev.kitty.api.Later.notes()'");
          }
        };
    List<String> notes = DisabledFamilies.recordNotes("broken", broken, "/p");
    assertEquals(1, notes.size(), notes.toString());
    assertTrue(
        notes.getFirst().startsWith("family broken cannot read its records in /p: ")
            && notes.getFirst().contains("NoSuchMethodError"),
        notes.getFirst());
  }

  @Test
  void aProbeThatIgnoresItsInterruptStillEndsTheScanAtTheDeadline() {
    TestWorld w = new TestWorld().process(10, 1, TestWorld.UID, "a").listener(5001, 10L);
    java.util.concurrent.atomic.AtomicBoolean stop =
        new java.util.concurrent.atomic.AtomicBoolean();
    try {
      long start = System.nanoTime();
      ScanReport r =
          scan(
              w,
              Duration.ofMillis(300),
              fam(
                  "deaf",
                  5000,
                  5100,
                  ctx -> {
                    while (!stop.get()) {
                      Thread.onSpinWait(); // never looks at its interrupt
                    }
                    return Identity.neverTouch("stopped");
                  }));
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms < 5_000, "took " + ms + " ms");
      assertEquals(
          "identity probe of family deaf did not finish within 300 ms",
          r.families().getFirst().candidates().getFirst().identity().skipReason());
    } finally {
      stop.set(true); // the probe thread ends; nothing reads its answer
    }
  }

  @Test
  void aProbeThatHangsIsBoundedByTheScanTimeout() {
    TestWorld w = new TestWorld().process(10, 1, TestWorld.UID, "a").listener(5001, 10L);
    long start = System.nanoTime();
    ScanReport r =
        scan(
            w,
            Duration.ofMillis(300),
            fam(
                "hang",
                5000,
                5100,
                ctx -> {
                  try {
                    Thread.sleep(60_000);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return Identity.neverTouch("woke");
                }));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(ms < 5_000, "took " + ms + " ms");
    assertEquals(
        "identity probe of family hang did not finish within 300 ms",
        r.families().getFirst().candidates().getFirst().identity().skipReason());
    assertEquals(
        List.of("identity probe of family hang did not finish within 300 ms"), r.warnings());
  }

  @Test
  void aProcessHoldingAPortInAnotherFamilysRangeIsNeverTouched() {
    TestWorld w =
        new TestWorld().process(10, 1, TestWorld.UID, "a").listener(5001, 10L).listener(6001, 10L);
    ScanReport r =
        scan(
            w,
            Duration.ofSeconds(2),
            fam("a", 5000, 5100, CLAIMS_ALL),
            fam("b", 6000, 6100, CLAIMS_ALL));
    Candidate c = r.families().get(0).candidates().getFirst();
    assertEquals(CleanupClass.NEVER_TOUCH, c.cleanupClass());
    assertEquals(
        "pid 10 also holds port 6001 in family b's range [6000, 6100)", c.identity().skipReason());
  }

  @Test
  void anotherUsersProcessIsNeverTouchedAndAnInvisibleOneIsNeverSafeAuto() {
    TestWorld w = new TestWorld().process(10, 1, 0, "rootd").listener(5001, 10L).listener(5002);
    ScanReport r = scan(w, Duration.ofSeconds(2), fam("a", 5000, 5100, CLAIMS_ALL));
    List<Candidate> cs = r.families().getFirst().candidates();
    assertEquals("owned by user u0 (uid 0), not kitty's user", cs.get(0).identity().skipReason());
    assertEquals(CleanupClass.OPERATOR_REQUIRED, cs.get(1).cleanupClass());
    assertEquals("no process holding the socket is visible", cs.get(1).identity().skipReason());
    assertEquals(null, cs.get(1).pid());
  }

  @Test
  void scanNeverAttributesAListenerToAFamilyWhoseRangeExcludesItsPort() {
    qt().withExamples(1000)
        .forAll(
            lists().of(integers().between(1, 200)).ofSizeBetween(1, 6),
            lists().of(integers().between(9990, 10_500)).ofSizeBetween(0, 40))
        .checkAssert(
            (widths, ports) -> {
              // Families side by side from 10000, some adjacent (a.to == b.from), some with gaps.
              List<FamilyInfo> fams = new ArrayList<>();
              int from = 10_000;
              for (int i = 0; i < widths.size(); i++) {
                int to = Math.min(from + widths.get(i), 65536);
                fams.add(fam("f" + i, from, to, CLAIMS_ALL));
                from = i % 2 == 0 ? to : to + 3;
              }
              TestWorld w = new TestWorld();
              long pid = 100;
              for (int port : ports) {
                w.process(pid, 1, TestWorld.UID, "p").listener(port, pid);
                pid++;
              }
              ScanReport r = scan(w, Duration.ofSeconds(5), fams.toArray(FamilyInfo[]::new));
              long inRanges =
                  ports.stream()
                      .filter(p -> fams.stream().anyMatch(f -> f.range().contains(p)))
                      .count();
              assertEquals(
                  inRanges,
                  r.candidates().count(),
                  "every listener in a range is a candidate of exactly one family");
              r.families()
                  .forEach(
                      fs ->
                          fs.candidates()
                              .forEach(
                                  c -> {
                                    assertTrue(
                                        fs.family().range().contains(c.port()),
                                        c.port() + " is outside " + fs.family().range());
                                    assertEquals(fs.family().id(), c.daemonFamily());
                                    assertEquals(
                                        c.port(),
                                        ((Number) c.identity().attributes().get("seen_port"))
                                            .intValue());
                                  }));
            });
  }
}
