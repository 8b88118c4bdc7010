package dev.kitty.engine.internal.discovery;

/**
 * One (socket, holder) pair from a tool's output (lsof, netstat).
 *
 * @param address local address as text, {@code 0.0.0.0} or {@code ::} for a wildcard
 * @param port local port
 * @param ipv6 whether the socket is IPv6
 * @param pid the holding process
 */
record ListenEntry(String address, int port, boolean ipv6, long pid) {}
