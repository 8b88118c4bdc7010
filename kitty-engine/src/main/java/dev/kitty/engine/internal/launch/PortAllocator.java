package dev.kitty.engine.internal.launch;

import dev.kitty.api.PortRange;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Where a launch goes: the first port of a family's range that nothing listens on and no scan saw
 * taken. The one allocator of named launches and singletons; each caller says, in its own words,
 * what to do when the range is full.
 */
public final class PortAllocator {
  private PortAllocator() {}

  /** The lowest port of {@code range} not in {@code busy} that can be bound on loopback now. */
  public static OptionalInt firstFree(PortRange range, Set<Integer> busy) {
    for (int port = range.from(); port < range.to(); port++) {
      if (!busy.contains(port) && !taken(port)) {
        return OptionalInt.of(port);
      }
    }
    return OptionalInt.empty();
  }

  /** Whether something holds {@code port} on loopback (a bind there fails). */
  public static boolean taken(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return false;
    } catch (IOException taken) {
      return true;
    }
  }
}
