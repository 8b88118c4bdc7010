package dev.kitty.engine.internal.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The kernel's listening TCP sockets over netlink {@code sock_diag} ({@code NETLINK_SOCK_DIAG},
 * {@code SOCK_DIAG_BY_FAMILY}, state filter LISTEN), as {@code ss -l} asks for them: the kernel
 * walks only its listening hash and sends only listeners, with their socket inodes, where {@code
 * /proc/net/tcp} walks every connection (every TIME_WAIT included) and formats it as text. Linux
 * only; {@link #tcpListeners()} answers empty when netlink cannot be asked (a kernel without
 * sock_diag, a sandbox that forbids netlink sockets), and the caller reads /proc (ADR 36).
 */
public final class LinuxSockDiag {

  /**
   * One listening socket as the kernel reports it.
   *
   * @param ipv6 whether it is an AF_INET6 socket
   * @param address the local address, 4 or 16 bytes in network order
   * @param port the local port
   * @param uid the socket's owner
   * @param inode the socket's inode (the {@code socket:[N]} of its holders' fds)
   */
  public record Listener(boolean ipv6, byte[] address, int port, int uid, long inode) {}

  private static final int AF_NETLINK = 16;
  private static final int AF_INET = 2;
  private static final int AF_INET6 = 10;
  private static final int SOCK_DGRAM = 2;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int NETLINK_SOCK_DIAG = 4;
  private static final int IPPROTO_TCP = 6;
  private static final int TCP_LISTEN = 10;
  private static final short SOCK_DIAG_BY_FAMILY = 20;
  private static final short NLM_F_REQUEST = 0x1;
  private static final short NLM_F_DUMP = 0x300;
  private static final int NLMSG_ERROR = 2;
  private static final int NLMSG_DONE = 3;
  private static final int NLMSG_OVERRUN = 4;
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVTIMEO = 20;
  private static final int HEADER = 16; // struct nlmsghdr
  private static final int REQUEST = HEADER + 56; // + struct inet_diag_req_v2
  private static final int MESSAGE = 72; // struct inet_diag_msg

  private LinuxSockDiag() {}

  /** The calls, linked once on first use. */
  @SuppressWarnings("restricted")
  private static final class Calls {
    static final MethodHandle SOCKET =
        bind("socket", ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    static final MethodHandle SETSOCKOPT =
        bind(
            "setsockopt",
            ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS,
            ValueLayout.JAVA_INT);
    static final MethodHandle SENDTO =
        Linker.nativeLinker()
            .downcallHandle(
                find("sendto"),
                FunctionDescriptor.of(
                    ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS,
                    ValueLayout.JAVA_INT));
    static final MethodHandle RECV =
        Linker.nativeLinker()
            .downcallHandle(
                find("recv"),
                FunctionDescriptor.of(
                    ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT));
    static final MethodHandle CLOSE = bind("close", ValueLayout.JAVA_INT);

    @SuppressWarnings("restricted")
    private static MethodHandle bind(String name, ValueLayout... args) {
      return Linker.nativeLinker()
          .downcallHandle(find(name), FunctionDescriptor.of(ValueLayout.JAVA_INT, args));
    }

    private static MemorySegment find(String name) {
      return Linker.nativeLinker().defaultLookup().find(name).orElseThrow();
    }
  }

  /**
   * Every listening TCP socket, IPv4 and IPv6; empty when netlink cannot be asked or answered with
   * an error.
   */
  @SuppressWarnings("restricted")
  public static Optional<List<Listener>> tcpListeners() {
    try (Arena arena = Arena.ofConfined()) {
      int fd =
          (int) Calls.SOCKET.invokeExact(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
      if (fd < 0) {
        return Optional.empty();
      }
      try {
        // A bound on every read: the kernel answers a dump at once, but nothing may hang a scan.
        MemorySegment timeout = arena.allocate(ValueLayout.JAVA_LONG, 2); // struct timeval
        timeout.set(ValueLayout.JAVA_LONG, 0, 1); // 1 s
        int unusedSetsockopt =
            (int) Calls.SETSOCKOPT.invokeExact(fd, SOL_SOCKET, SO_RCVTIMEO, timeout, 16);
        List<Listener> out = new ArrayList<>();
        for (int family : new int[] {AF_INET, AF_INET6}) {
          if (!dump(fd, family, arena, out)) {
            return Optional.empty();
          }
        }
        return Optional.of(out);
      } finally {
        int unusedClose = (int) Calls.CLOSE.invokeExact(fd);
      }
    } catch (Throwable e) {
      return Optional.empty();
    }
  }

  private static boolean dump(int fd, int family, Arena arena, List<Listener> out)
      throws Throwable {
    MemorySegment req = arena.allocate(REQUEST);
    req.set(ValueLayout.JAVA_INT, 0, REQUEST); // nlmsg_len
    req.set(ValueLayout.JAVA_SHORT, 4, SOCK_DIAG_BY_FAMILY); // nlmsg_type
    req.set(ValueLayout.JAVA_SHORT, 6, (short) (NLM_F_REQUEST | NLM_F_DUMP)); // nlmsg_flags
    req.set(ValueLayout.JAVA_INT, 8, family); // nlmsg_seq
    req.set(ValueLayout.JAVA_BYTE, HEADER, (byte) family); // sdiag_family
    req.set(ValueLayout.JAVA_BYTE, HEADER + 1, (byte) IPPROTO_TCP); // sdiag_protocol
    req.set(ValueLayout.JAVA_INT, HEADER + 4, 1 << TCP_LISTEN); // idiag_states
    MemorySegment kernel = arena.allocate(12); // struct sockaddr_nl, pid 0: the kernel
    kernel.set(ValueLayout.JAVA_SHORT, 0, (short) AF_NETLINK);
    long sent = (long) Calls.SENDTO.invokeExact(fd, req, (long) REQUEST, 0, kernel, 12);
    if (sent != REQUEST) {
      return false;
    }
    MemorySegment buf = arena.allocate(64 * 1024);
    while (true) {
      long n = (long) Calls.RECV.invokeExact(fd, buf, buf.byteSize(), 0);
      if (n <= 0) {
        return false;
      }
      switch (parse(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), out)) {
        case DONE:
          return true;
        case ERROR:
          return false;
        case MORE:
          break;
      }
    }
  }

  /** What one read of a dump said. */
  enum Read {
    MORE,
    DONE,
    ERROR
  }

  /**
   * Parses one read of a sock_diag dump (netlink messages, each padded to 4 bytes) into {@code
   * out}, in the host's byte order as the kernel writes it; ports and addresses are in network
   * order. Exposed for tests on recorded bytes.
   */
  static Read parse(byte[] data, List<Listener> out) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.nativeOrder());
    int off = 0;
    while (off + HEADER <= data.length) {
      int len = b.getInt(off);
      int type = Short.toUnsignedInt(b.getShort(off + 4));
      if (len < HEADER || off + len > data.length) {
        return Read.ERROR;
      }
      if (type == NLMSG_DONE) {
        // Its payload is an errno: a dump the kernel could not finish is no list at all.
        return len >= HEADER + 4 && b.getInt(off + HEADER) < 0 ? Read.ERROR : Read.DONE;
      }
      if (type == NLMSG_OVERRUN) {
        return Read.ERROR;
      }
      if (type == NLMSG_ERROR) {
        return Read.ERROR;
      }
      if (type == SOCK_DIAG_BY_FAMILY && len >= HEADER + MESSAGE) {
        int m = off + HEADER;
        int family = Byte.toUnsignedInt(data[m]);
        int state = Byte.toUnsignedInt(data[m + 1]);
        if (state == TCP_LISTEN && (family == AF_INET || family == AF_INET6)) {
          int port = (Byte.toUnsignedInt(data[m + 4]) << 8) | Byte.toUnsignedInt(data[m + 5]);
          byte[] address =
              java.util.Arrays.copyOfRange(data, m + 8, m + 8 + (family == AF_INET ? 4 : 16));
          int uid = b.getInt(m + 64);
          long inode = Integer.toUnsignedLong(b.getInt(m + 68));
          out.add(new Listener(family == AF_INET6, address, port, uid, inode));
        }
      }
      off += (len + 3) & ~3;
    }
    // A read ends on a whole message: a fragment left over is a malformed answer, not more to come.
    return off < data.length ? Read.ERROR : Read.MORE;
  }
}
