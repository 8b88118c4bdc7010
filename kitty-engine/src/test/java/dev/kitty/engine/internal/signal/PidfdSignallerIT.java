package dev.kitty.engine.internal.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.discovery.ProcessNode;
import dev.kitty.engine.internal.signal.SignalGate.Target;
import dev.kitty.testkit.TrackedProcesses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Linux signaller on real processes of this test: a burst pins every target by pidfd and checks
 * its start stamp before any is signalled, so a reused pid in the burst is spared.
 */
class PidfdSignallerIT {

  @RegisterExtension final TrackedProcesses procs = new TrackedProcesses();

  private final Platform platform = Platform.detect();

  /**
   * This JVM's open pidfds (links to {@code anon_inode:[pidfd]}): a burst must close every one it
   * opened. Only pidfds are counted: the test JVM opens and closes other descriptors meanwhile.
   */
  private static long openPidfds() throws java.io.IOException {
    long n = 0;
    try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
      for (java.nio.file.Path fd : fds.toList()) {
        try {
          if (java.nio.file.Files.readSymbolicLink(fd).toString().contains("pidfd")) {
            n++;
          }
        } catch (java.io.IOException closedMeanwhile) {
          // not a pidfd of the burst
        }
      }
    }
    return n;
  }

  private long ticks(Process p) {
    return platform.processes().node(p.pid()).map(ProcessNode::startTicks).orElseThrow();
  }

  @Test
  void aBurstSignalsTheRightProcessesAndSparesReusedAndGonePids() throws Exception {
    dev.kitty.engine.internal.signal.Signaller pidfd =
        dev.kitty.engine.internal.signal.PidfdSignaller.load().orElseThrow();
    Process right = procs.start("sleep", "600");
    Process other = procs.start("sleep", "600");
    Process ended = procs.start("true");
    long endedTicks = -1;
    TrackedProcesses.await("true to end", Duration.ofSeconds(5), () -> !ended.isAlive());
    ended.waitFor();

    List<String> out =
        pidfd.sendAll(
            List.of(
                new Target(right.pid(), ticks(right), "test"),
                new Target(other.pid(), ticks(other) + 1, "test"),
                new Target(ended.pid(), endedTicks, "test")),
            Sig.TERM,
            platform);

    assertEquals(java.util.Arrays.asList(null, "reused", "gone"), out);
    TrackedProcesses.await("the right sleep to end", Duration.ofSeconds(5), () -> !right.isAlive());
    assertTrue(other.isAlive(), "a start stamp that does not match is another process");
  }

  @Test
  void aBurstLongerThanItsDescriptorBoundIsSentInParts() throws Exception {
    dev.kitty.engine.internal.signal.Signaller pidfd =
        dev.kitty.engine.internal.signal.PidfdSignaller.load().orElseThrow();
    Process spared = procs.start("sleep", "600");
    Process last = procs.start("sleep", "600");
    List<Target> targets = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      targets.add(new Target(spared.pid(), ticks(spared) + 1, "test"));
    }
    targets.add(new Target(last.pid(), ticks(last), "test"));
    long pidfdsBefore = openPidfds();

    List<String> out = pidfd.sendAll(targets, Sig.KILL, platform);

    // At most as many as before: the JDK holds pidfds of the processes it started, and may close
    // the one of the process the burst just killed at any moment.
    long pidfdsAfter = openPidfds();
    assertTrue(
        pidfdsAfter <= pidfdsBefore,
        "every pidfd of the burst is closed: "
            + pidfdsBefore
            + " before, "
            + pidfdsAfter
            + " after");
    assertEquals(301, out.size());
    assertTrue(out.subList(0, 300).stream().allMatch("reused"::equals), out.toString());
    assertNull(out.get(300));
    TrackedProcesses.await("the last sleep to end", Duration.ofSeconds(5), () -> !last.isAlive());
    assertTrue(spared.isAlive());
  }
}
