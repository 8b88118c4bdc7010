package dev.kitty.engine.internal.os;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dump's parsing on bytes laid out as the kernel's {@code struct nlmsghdr} and {@code struct
 * inet_diag_msg} (linux/inet_diag.h): host order for lengths, uid and inode, network order for the
 * port and the address. The live agreement with /proc/net/tcp is ListenerDiscoveryIT's.
 */
class LinuxSockDiagTest {

  private static byte[] message(
      int family, int state, int port, byte[] address, int uid, int inode) {
    ByteBuffer b = ByteBuffer.allocate(16 + 72).order(ByteOrder.nativeOrder());
    b.putInt(0, 88).putShort(4, (short) 20).putShort(6, (short) 2).putInt(8, 1).putInt(12, 0);
    b.put(16, (byte) family).put(17, (byte) state);
    b.put(20, (byte) (port >>> 8)).put(21, (byte) port);
    b.put(24, address);
    b.putInt(16 + 64, uid).putInt(16 + 68, inode);
    return b.array();
  }

  private static byte[] done() {
    ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
    b.putInt(0, 20).putShort(4, (short) 3);
    return b.array();
  }

  private static byte[] concat(byte[]... parts) {
    ByteBuffer b =
        ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
    for (byte[] p : parts) {
      b.put(p);
    }
    return b.array();
  }

  @Test
  void listenersAreReadAndADumpEndsAtDone() {
    byte[] v6 = new byte[16];
    v6[15] = 1; // ::1
    List<LinuxSockDiag.Listener> out = new ArrayList<>();
    LinuxSockDiag.Read r =
        LinuxSockDiag.parse(
            concat(
                message(2, 10, 9237, new byte[] {127, 0, 0, 1}, 1000, 4242),
                message(10, 10, 8888, v6, 0, 99),
                message(2, 6, 1234, new byte[] {127, 0, 0, 1}, 1000, 7), // TIME_WAIT: skipped
                done()),
            out);
    assertEquals(LinuxSockDiag.Read.DONE, r);
    assertEquals(2, out.size(), out.toString());
    assertEquals(9237, out.get(0).port());
    assertArrayEquals(new byte[] {127, 0, 0, 1}, out.get(0).address());
    assertEquals(4242, out.get(0).inode());
    assertEquals(1000, out.get(0).uid());
    assertTrue(out.get(1).ipv6());
    assertArrayEquals(v6, out.get(1).address());
  }

  @Test
  void aTruncatedOrErrorAnswerIsNotTakenForAList() {
    List<LinuxSockDiag.Listener> out = new ArrayList<>();
    byte[] m = message(2, 10, 80, new byte[] {127, 0, 0, 1}, 0, 1);
    assertEquals(
        LinuxSockDiag.Read.ERROR,
        LinuxSockDiag.parse(java.util.Arrays.copyOf(m, 40), out),
        "a message longer than the read");
    ByteBuffer err = ByteBuffer.allocate(36).order(ByteOrder.nativeOrder());
    err.putInt(0, 36).putShort(4, (short) 2);
    assertEquals(LinuxSockDiag.Read.ERROR, LinuxSockDiag.parse(err.array(), out));
    assertEquals(LinuxSockDiag.Read.MORE, LinuxSockDiag.parse(m, new ArrayList<>()));
    ByteBuffer failedDone = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
    failedDone.putInt(0, 20).putShort(4, (short) 3).putInt(16, -4); // NLMSG_DONE with -EINTR
    assertEquals(LinuxSockDiag.Read.ERROR, LinuxSockDiag.parse(failedDone.array(), out));
    assertEquals(
        LinuxSockDiag.Read.ERROR,
        LinuxSockDiag.parse(concat(m, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), out),
        "a fragment after the last whole message");
  }
}
