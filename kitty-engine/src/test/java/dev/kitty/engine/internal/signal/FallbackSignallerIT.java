package dev.kitty.engine.internal.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.discovery.ProcessNode;
import dev.kitty.testkit.TrackedProcesses;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The signaller used where there is no pidfd (macOS, Windows, old kernels), on a real process of
 * this test: it re-reads the start stamp right before the signal and spares a reused pid.
 */
class FallbackSignallerIT {

  @RegisterExtension final TrackedProcesses procs = new TrackedProcesses();

  @Test
  void aReusedPidIsSparedAndTheRightProcessEnds() throws Exception {
    Process sleeper = procs.start("sleep", "600");
    Platform platform = Platform.detect();
    long ticks =
        platform.processes().node(sleeper.pid()).map(ProcessNode::startTicks).orElseThrow();
    dev.kitty.engine.internal.signal.HandleSignaller fallback =
        new dev.kitty.engine.internal.signal.HandleSignaller();

    assertEquals(
        "reused",
        fallback.send(
            sleeper.pid(), ticks + 1, dev.kitty.engine.internal.signal.Sig.KILL, platform));
    assertTrue(sleeper.isAlive(), "a start stamp that does not match is another process");

    assertNull(
        fallback.send(sleeper.pid(), ticks, dev.kitty.engine.internal.signal.Sig.TERM, platform));
    TrackedProcesses.await("sleep to end", Duration.ofSeconds(5), () -> !sleeper.isAlive());
    assertEquals(
        "gone",
        fallback.send(sleeper.pid(), ticks, dev.kitty.engine.internal.signal.Sig.KILL, platform),
        "already gone");
  }
}
