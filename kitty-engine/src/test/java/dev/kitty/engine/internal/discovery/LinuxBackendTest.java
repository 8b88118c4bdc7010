package dev.kitty.engine.internal.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.api.ListenerView;
import dev.kitty.api.ProcessView;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinuxBackendTest {

  @TempDir Path dir;

  private Platform platform(ProcFixture f) {
    return Platform.linux(f.root);
  }

  @Test
  void aSocketInheritedByAChildHasBothAsHolders() {
    ProcFixture f =
        new ProcFixture(dir)
            .tcp(ProcFixture.TCP_HEADER + ProcFixture.tcpRow(0, "0100007F", 9240, 0x0A, 5555))
            .tcp6(ProcFixture.TCP_HEADER)
            .process(100, 1, "node", 500, 1000, "node", "server.js")
            .process(101, 100, "node", 600, 1000, "node", "mcp.js")
            .process(102, 100, "sh", 700, 1000, "sh", "-c", "sleep 100")
            .socketFd(100, 3, 5555)
            .socketFd(101, 7, 5555)
            .fileFd(102, 1, "/dev/null");
    List<ListenerView> ls = platform(f).listeners().listeners(p -> true);
    assertEquals(1, ls.size());
    assertEquals(
        new ListenerView("127.0.0.1", 9240, false, 5555, List.of(100L, 101L)), ls.getFirst());
    ProcessSnapshot snap = new ProcessSnapshot(platform(f).processes());
    assertEquals(
        100L,
        snap.owner(ls.getFirst().holderPids()).orElseThrow(),
        "the parent owns what its child inherited");
  }

  @Test
  void onlyListenersOnRequestedPortsAreAttributed() {
    ProcFixture f =
        new ProcFixture(dir)
            .tcp(
                ProcFixture.TCP_HEADER
                    + ProcFixture.tcpRow(0, "0100007F", 9240, 0x0A, 1)
                    + ProcFixture.tcpRow(1, "0100007F", 8080, 0x0A, 2)
                    + ProcFixture.tcpRow(2, "0100007F", 9241, 0x06, 0))
            .process(100, 1, "a", 1, 1000, "a")
            .socketFd(100, 3, 1)
            .socketFd(100, 4, 2);
    List<ListenerView> ls = platform(f).listeners().listeners(p -> p >= 9237 && p < 9337);
    assertEquals(List.of(9240), ls.stream().map(ListenerView::port).toList());
  }

  @Test
  void aProcessViewCarriesIdentityCookiesAndNothingElseOfTheEnvironment() {
    ProcFixture f =
        new ProcFixture(dir)
            .process(200, 1, "my (weird) name", 12345, 1000, "python3", "-c", "print(1)")
            .environ(200, "HOME=/home/dev", "KITTY_LAUNCH_ID=L1", "SECRET=x", "KITTY_FAMILY=webui");
    ProcessView v = platform(f).processes().view(200).orElseThrow();
    assertEquals("my (weird) name", v.command());
    assertEquals(List.of("python3", "-c", "print(1)"), v.args());
    assertEquals(Map.of("KITTY_LAUNCH_ID", "L1", "KITTY_FAMILY", "webui"), v.cookies());
    assertEquals(Instant.ofEpochSecond(1700000000).plusMillis(123450), v.startTime());
    assertEquals(12345, v.startTicks());
    assertEquals(1000, v.uid());
    assertEquals(1, v.ppid());
    assertEquals(50 * 4096, v.rssBytes());
    assertTrue(v.environmentReadable());
  }

  @Test
  void aProcessThatExitedOrHidesItsFilesIsSkippedNotFatal() {
    ProcFixture f =
        new ProcFixture(dir)
            .tcp(ProcFixture.TCP_HEADER + ProcFixture.tcpRow(0, "0100007F", 9240, 0x0A, 77))
            .process(300, 1, "other", 1, 0, "other");
    // 300 has no fd folder (another user's, or gone): the socket is listed with no holder.
    List<ListenerView> ls = platform(f).listeners().listeners(p -> true);
    assertEquals(List.of(), ls.getFirst().holderPids());
    assertTrue(platform(f).processes().view(999).isEmpty(), "a pid that is gone has no view");
    ProcessView v = platform(f).processes().view(300).orElseThrow();
    assertFalse(v.environmentReadable());
    assertEquals(Map.of(), v.cookies());
  }

  @Test
  void childrenThatStartedBeforeTheirParentAreAReusedPidsAndNotChildren() {
    ProcFixture f =
        new ProcFixture(dir)
            .process(10, 1, "parent", 1000, 1000, "parent")
            .process(11, 10, "child", 1100, 1000, "child")
            .process(12, 10, "older", 900, 1000, "older");
    ProcessSnapshot snap = new ProcessSnapshot(platform(f).processes());
    assertEquals(List.of(11L), snap.childNodes(10).stream().map(ProcessNode::pid).toList());
  }

  @Test
  void currentUidComesFromSelfStatus() {
    assertEquals(1000, platform(new ProcFixture(dir)).processes().currentUid());
  }

  /**
   * Finding 3 of the safety review: a scan of one range must not hide a listener the same process
   * holds in another family's range from the gate, which asks {@code heldBy} right after it.
   */
  @Test
  void heldByAfterAScanOfOneRangeStillSeesTheListenerInAnotherRange() {
    ProcFixture f =
        new ProcFixture(dir)
            .tcp(
                ProcFixture.TCP_HEADER
                    + ProcFixture.tcpRow(0, "0100007F", 7860, 0x0A, 31)
                    + ProcFixture.tcpRow(1, "0100007F", 9449, 0x0A, 32))
            .tcp6(ProcFixture.TCP_HEADER)
            .process(500, 1, "python3", 500, 1000, "python3", "dual.py")
            .socketFd(500, 3, 31)
            .socketFd(500, 4, 32);
    Platform p = platform(f);
    assertEquals(1, p.listeners().listeners(port -> port >= 7860 && port < 7960).size());
    assertEquals(
        List.of(7860, 9449),
        p.listeners().heldBy(500, System.nanoTime()).stream().map(ListenerView::port).toList());
  }

  @Test
  void aListenerOpenedAfterTheLastReadIsSeenByTheNextDecision() {
    ProcFixture f =
        new ProcFixture(dir)
            .tcp(ProcFixture.TCP_HEADER + ProcFixture.tcpRow(0, "0100007F", 7860, 0x0A, 31))
            .tcp6(ProcFixture.TCP_HEADER)
            .process(500, 1, "python3", 500, 1000, "python3", "dual.py")
            .socketFd(500, 3, 31);
    Platform p = platform(f);
    assertEquals(
        List.of(7860), p.listeners().heldBy(500).stream().map(ListenerView::port).toList());
    // Within milliseconds, the same process starts listening in the sync range.
    f.tcp(
            ProcFixture.TCP_HEADER
                + ProcFixture.tcpRow(0, "0100007F", 7860, 0x0A, 31)
                + ProcFixture.tcpRow(1, "0100007F", 9449, 0x0A, 33))
        .socketFd(500, 5, 33);
    long decision = System.nanoTime();
    assertEquals(
        List.of(7860, 9449),
        p.listeners().heldBy(500, decision).stream().map(ListenerView::port).toList());
  }
}
