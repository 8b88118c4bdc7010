package dev.kitty.engine.internal.discovery;

/**
 * One row of {@code /proc/net/tcp} or {@code tcp6}.
 *
 * @param address local address as text
 * @param port local port
 * @param ipv6 whether it came from {@code tcp6}
 * @param state the TCP state code ({@code 0x0A} is LISTEN)
 * @param uid the owner's uid
 * @param inode the socket inode
 */
record SocketEntry(String address, int port, boolean ipv6, int state, int uid, long inode) {

  static final int LISTEN = 0x0A;

  boolean listening() {
    return state == LISTEN;
  }
}
