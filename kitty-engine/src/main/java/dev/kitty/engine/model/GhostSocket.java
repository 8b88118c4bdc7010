package dev.kitty.engine.model;

import java.util.List;

/**
 * A listening socket held by more than one process: the owner's children inherited it, and if the
 * owner dies they keep accepting connections on the port.
 *
 * <p>Stability: experimental.
 *
 * @param daemonFamily the family whose range holds the port
 * @param port the port
 * @param address the local address
 * @param ownerPid the holder that opened it (none of its ancestors holds it), or null
 * @param holderPids every holder
 * @param reason what makes it a ghost, in words
 */
public record GhostSocket(
    String daemonFamily,
    int port,
    String address,
    Long ownerPid,
    List<Long> holderPids,
    String reason) {
  /** Copies the list. */
  public GhostSocket {
    holderPids = List.copyOf(holderPids);
  }
}
