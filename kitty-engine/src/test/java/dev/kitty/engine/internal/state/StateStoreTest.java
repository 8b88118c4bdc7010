package dev.kitty.engine.internal.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state store's guarantees (issue 10): whole records, private files, nothing lost. */
class StateStoreTest {

  @TempDir Path state;

  @org.junit.jupiter.api.extension.RegisterExtension
  final dev.kitty.testkit.TrackedProcesses procs = new dev.kitty.testkit.TrackedProcesses();

  @Test
  void aRecordIsWrittenWholePrivateAndLeavesNoTemporaryFileBehind() throws Exception {
    StateStore store = new StateStore(state);
    Path f = store.recordsDir().resolve("launch.webui.a.json");
    store.writeAtomically(f, "{\"a\":1}");
    store.writeAtomically(f, "{\"a\":2}");
    assertEquals("{\"a\":2}", Files.readString(f));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    try (var files = Files.list(store.recordsDir())) {
      assertEquals(List.of(f), files.toList(), "no temporary file is left");
    }
  }

  @Test
  void concurrentWritersNeverLeaveHalfARecord() throws Exception {
    StateStore store = new StateStore(state);
    Path f = store.recordsDir().resolve("sync.json");
    String big = "x".repeat(64 * 1024);
    store.writeAtomically(f, "{\"w\":-1,\"pad\":\"" + big + "\"}");
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicInteger writing =
        new java.util.concurrent.atomic.AtomicInteger(3);
    CountDownLatch go = new CountDownLatch(1);
    List<java.util.concurrent.Future<?>> tasks = new ArrayList<>();
    try (var pool = Executors.newFixedThreadPool(4)) {
      for (int w = 0; w < 3; w++) {
        int writer = w;
        tasks.add(
            pool.submit(
                () -> {
                  go.await();
                  try {
                    for (int i = 0; i < 50; i++) {
                      store.writeAtomically(f, "{\"w\":" + writer + ",\"pad\":\"" + big + "\"}");
                    }
                  } finally {
                    writing.decrementAndGet();
                  }
                  return null;
                }));
      }
      tasks.add(
          pool.submit(
              () -> {
                go.await();
                while (writing.get() > 0) {
                  seen.add(Files.readString(f));
                }
                return null;
              }));
      go.countDown();
      for (var t : tasks) {
        t.get(); // a writer or the reader that failed fails the test
      }
    }
    assertFalse(seen.isEmpty());
    for (String text : List.copyOf(seen)) {
      assertTrue(text.startsWith("{\"w\":") && text.endsWith(big + "\"}"), "a whole record");
    }
  }

  @Test
  void quarantineMovesAnUnusableRecordAsideAndSaysWhere() throws Exception {
    StateStore store = new StateStore(state);
    Path f = store.recordsDir().resolve("sync.json");
    store.writeAtomically(f, "{\"pid\": 12");
    String what = store.quarantine(f);
    assertFalse(Files.exists(f));
    assertTrue(what.startsWith("was moved to " + state.resolve("quarantine")), what);
    Path kept = Path.of(what.substring("was moved to ".length()));
    assertEquals("{\"pid\": 12", Files.readString(kept), "the bytes are kept for a person");
    assertTrue(store.quarantine(f).startsWith("is unusable and could not be moved aside"));
  }

  private static int uidOf(Path p) throws java.io.IOException {
    return (Integer) Files.getAttribute(p, "unix:uid");
  }

  private static final String[] MODES = {
    "rwx------", "rwxr-xr-x", "rwxrwx---", "rwxrwxrwx", "rwx-w----", "rwx----w-", "rwxr-x---"
  };

  /**
   * Finding 5 of the safety review (ADR 25), over generated state dirs: a state dir, {@code
   * records/} or {@code locks/} that is another user's, writable by group or others, a symbolic
   * link (the last two) or not a directory is refused, naming it; every other one is accepted.
   */
  @Test
  void aStateDirAnotherUserCouldWriteIsRefusedAndNoOtherIs() throws Exception {
    int me = uidOf(state);
    boolean root = me == 0;
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    org.quicktheories.QuickTheory.qt()
        .withExamples(1000)
        .forAll(org.quicktheories.generators.SourceDSL.integers().all())
        .checkAssert(
            seed -> {
              try {
                java.util.Random r = new java.util.Random(seed);
                Path dir = state.resolve("w" + n.incrementAndGet());
                Path elsewhere = Files.createDirectories(state.resolve("elsewhere" + n.get()));
                List<String> bad = new ArrayList<>();
                if (r.nextInt(8) == 0) {
                  Files.writeString(dir, "not a folder");
                  bad.add(dir.toString());
                } else {
                  Files.createDirectory(dir);
                  for (String sub : new String[] {"", "records", "locks"}) {
                    Path d = sub.isEmpty() ? dir : dir.resolve(sub);
                    if (!sub.isEmpty()) {
                      int shape = r.nextInt(6);
                      if (shape == 0) {
                        continue; // absent: made private when first needed
                      }
                      if (shape == 1) {
                        Files.createSymbolicLink(d, elsewhere);
                        bad.add(d.toString());
                        continue;
                      }
                      Files.createDirectory(d);
                    }
                    String mode = MODES[r.nextInt(MODES.length)];
                    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString(mode));
                    boolean foreign = root && r.nextInt(5) == 0;
                    if (foreign) {
                      Files.setAttribute(d, "unix:uid", 4242);
                    }
                    if (foreign || mode.charAt(4) == 'w' || mode.charAt(7) == 'w') {
                      bad.add(d.toString());
                    }
                  }
                }
                try {
                  new StateStore(dir).verifyTrusted(me);
                  assertTrue(bad.isEmpty(), "seed " + seed + ": accepted although " + bad);
                } catch (dev.kitty.engine.model.KittyException.BadInput refused) {
                  assertFalse(bad.isEmpty(), "seed " + seed + ": " + refused.getMessage());
                  assertTrue(
                      bad.stream().anyMatch(b -> refused.getMessage().contains(b + " ")),
                      "seed " + seed + ": the message names the folder: " + refused.getMessage());
                  assertEquals(2, refused.exitCode());
                }
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
  }

  @Test
  void recordsAndLocksAreNeverFollowedThroughSymbolicLinksNorReadFromFifos() throws Exception {
    StateStore store = new StateStore(state);
    Files.createDirectories(store.recordsDir());
    Path secret = Files.writeString(state.resolve("secret.txt"), "{\"planted\":true}");
    Files.createSymbolicLink(store.recordsDir().resolve("launch-webui-ui.json"), secret);
    Path fifo = store.recordsDir().resolve("launch-webui-fifo.json");
    assertEquals(0, procs.start("mkfifo", fifo.toString()).waitFor());
    var records = store.records();
    assertEquals(2, records.size(), records.toString());
    for (var rec : records) {
      assertEquals(null, rec.data(), "never read: " + rec);
      assertTrue(rec.error().contains("not a regular file"), rec.error());
    }
    Path locks = Files.createDirectories(state.resolve("locks"));
    Path target = state.resolve("attacker-chose-this");
    Files.createSymbolicLink(locks.resolve("sync.lock"), target);
    dev.kitty.engine.model.KittyException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            dev.kitty.engine.model.KittyException.class, () -> store.lock("sync"));
    assertTrue(e.getMessage().contains("sync.lock"), e.getMessage());
    assertFalse(Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS), "nothing created");
  }
}
