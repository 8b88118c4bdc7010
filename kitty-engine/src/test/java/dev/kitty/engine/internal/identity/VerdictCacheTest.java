package dev.kitty.engine.internal.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kitty.api.CleanupClass;
import dev.kitty.api.Identity;
import dev.kitty.api.IdentitySource;
import dev.kitty.api.ProcessView;
import dev.kitty.engine.internal.registry.FamilyRegistry;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.ScanReport;
import dev.kitty.testkit.TestWorld;
import dev.kitty.testkit.WorldPlatform;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * ADR 23: only never_touch verdicts are reused, only for the same socket and process, only while
 * the files its probe read are unchanged, and at most for the session's bound.
 */
class VerdictCacheTest {

  private final AtomicLong clock = new AtomicLong();
  private final AtomicInteger thirdParty = new AtomicInteger();
  private final AtomicInteger mine = new AtomicInteger();
  private final AtomicInteger flaky = new AtomicInteger();

  private final FamilyInfo[] families = {
    ClassifierTest.fam(
        "third",
        5000,
        5100,
        ctx -> {
          thirdParty.incrementAndGet();
          return Identity.neverTouch("not ours");
        }),
    ClassifierTest.fam(
        "mine",
        6000,
        6100,
        ctx -> {
          mine.incrementAndGet();
          return Identity.safeAuto(IdentitySource.PROCESS_SHAPE, Map.of());
        }),
    ClassifierTest.fam(
        "flaky",
        7000,
        7100,
        ctx -> {
          flaky.incrementAndGet();
          throw new IllegalStateException("down");
        })
  };

  private final TestWorld world =
      new TestWorld()
          .process(10, 1, TestWorld.UID, "server")
          .process(20, 1, TestWorld.UID, "daemon")
          .process(30, 1, TestWorld.UID, "broken")
          .listener(5001, 10L)
          .listener(6001, 20L)
          .listener(7001, 30L);

  /** A classifier over {@code w} for {@code fams}, its verdicts kept in {@code cache}. */
  private static Classifier classifier(TestWorld w, VerdictCache cache, FamilyInfo... fams) {
    return new Classifier(
        WorldPlatform.of(w, "fake"),
        new FamilyRegistry(List.of(fams), List.of()),
        "/tmp/state",
        Duration.ofSeconds(2),
        Duration.ofMillis(200),
        false,
        cache);
  }

  private final Classifier classifier =
      classifier(world, new VerdictCache(Duration.ofSeconds(2), clock::get), families);

  private ScanReport scan() {
    return classifier.scan(List.of(families));
  }

  @Test
  void aNeverTouchVerdictIsReusedWithinItsTimeAndNothingElseEver() {
    ScanReport first = scan();
    ScanReport second = scan();
    assertEquals(1, thirdParty.get(), "the third party was probed once");
    assertEquals(2, mine.get(), "a safe_auto verdict is probed every scan");
    assertEquals(2, flaky.get(), "a probe that failed is probed every scan");
    assertEquals(first.families().getFirst(), second.families().getFirst());
    assertEquals(
        CleanupClass.NEVER_TOUCH,
        second.families().getFirst().candidates().getFirst().cleanupClass());
    assertEquals(
        List.of("identity probe of family flaky failed: java.lang.IllegalStateException: down"),
        second.warnings());

    clock.addAndGet(Duration.ofMillis(2_001).toNanos());
    scan();
    assertEquals(2, thirdParty.get(), "after its time the verdict is probed again");
  }

  @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir;

  @Test
  void aVerdictIsReusedOnlyWhileTheFilesItsProbeReadStayAsTheyWere() throws Exception {
    java.nio.file.Path record = dir.resolve("record");
    AtomicInteger asked = new AtomicInteger();
    FamilyInfo reads =
        ClassifierTest.fam(
            "reads",
            8000,
            8100,
            ctx -> {
              asked.incrementAndGet();
              ctx.readFile(record.toString());
              return Identity.neverTouch("its record names another daemon");
            });
    TestWorld w = new TestWorld().process(40, 1, TestWorld.UID, "x").listener(8001, 40L);
    Classifier c = classifier(w, new VerdictCache(Duration.ofSeconds(60), clock::get), reads);
    c.scan(List.of(reads));
    c.scan(List.of(reads));
    assertEquals(1, asked.get(), "nothing changed: reused");
    java.nio.file.Files.writeString(record, "now there is one"); // the file appears
    c.scan(List.of(reads));
    assertEquals(2, asked.get(), "its evidence changed: probed again");
    c.scan(List.of(reads));
    assertEquals(2, asked.get());
    java.nio.file.Files.writeString(record, "and it was rewritten, longer");
    c.scan(List.of(reads));
    assertEquals(3, asked.get(), "rewritten: probed again");
  }

  @Test
  void anInterruptedScansPlaceholderIsNeverReused() {
    VerdictCache cache = new VerdictCache(Duration.ofSeconds(60), clock::get);
    Classifier c = classifier(world, cache, families);
    Thread.currentThread().interrupt(); // Ctrl-C in the shell, as the command starts
    try {
      // Some probes may have answered before the interrupt was seen, some not ("scan
      // interrupted"): none of it is kept.
      c.scan(List.of(families));
    } finally {
      Thread.interrupted();
    }
    assertEquals(0, cache.size(), "nothing of an interrupted scan is kept");
    c.scan(List.of(families));
    assertEquals(1, cache.size(), "the next scan probes and keeps the third party's verdict");
  }

  @Test
  void aNewProcessOnTheSamePidAndPortIsProbedAfresh() {
    scan();
    ProcessView old = world.processes.get(10L);
    world.processes.put(
        10L,
        new ProcessView(
            old.pid(),
            old.ppid(),
            old.pgid(),
            old.sid(),
            old.uid(),
            old.user(),
            old.startTicks() + 1,
            Instant.EPOCH.plusSeconds(60),
            old.command(),
            old.args(),
            old.executable(),
            old.cwd(),
            old.rssBytes(),
            old.state(),
            old.cookies(),
            old.environmentReadable()));
    scan();
    assertEquals(2, thirdParty.get(), "the pid was reused: its verdict is not the old one's");
  }

  @Test
  void zeroTimeKeepsNothing() {
    VerdictCache none = VerdictCache.none();
    ProcessView p = world.processes.get(10L);
    none.put("third", world.listeners.getFirst(), p, Identity.neverTouch("x"));
    assertEquals(0, none.size());
  }
}
