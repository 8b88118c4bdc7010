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
}
