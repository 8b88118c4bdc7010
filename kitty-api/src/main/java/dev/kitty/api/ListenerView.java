package dev.kitty.api;

import java.util.List;
import java.util.Objects;

/**
 * A read-only view of one listening TCP socket.
 *
 * <p>Stability: experimental.
 *
 * @param address the local address as text ({@code 127.0.0.1}, {@code ::1}, {@code 0.0.0.0}, {@code
 *     ::}); never null
 * @param port the local port, 1 to 65535
 * @param ipv6 whether the socket is an IPv6 socket
 * @param inode the socket inode (Linux), 0 when the platform has none
 * @param holderPids every process holding the socket open, ascending; more than one when the socket
 *     was inherited; empty when no holder was visible (another user's process, say)
 * @since 0.1
 */
public record ListenerView(
    String address, int port, boolean ipv6, long inode, List<Long> holderPids) {

  /**
   * Copies and sorts the holders.
   *
   * @since 0.1
   */
  public ListenerView {
    Objects.requireNonNull(address, "address");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    holderPids = holderPids.stream().distinct().sorted().toList();
  }

  /**
   * This listener with {@code pids} as its holders.
   *
   * @since 0.1
   */
  public ListenerView withHolders(List<Long> pids) {
    return new ListenerView(address, port, ipv6, inode, pids);
  }

  /**
   * Whether the address is a loopback address.
   *
   * @since 0.1
   */
  public boolean loopback() {
    return address.startsWith("127.") || address.equals("::1");
  }
}
