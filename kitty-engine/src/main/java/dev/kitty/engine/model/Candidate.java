package dev.kitty.engine.model;

import dev.kitty.api.CleanupClass;
import dev.kitty.api.Identity;
import dev.kitty.api.ListenerView;
import dev.kitty.api.ProcessView;
import java.util.Objects;

/**
 * One listener inside a family's range, with the process that owns it and the verdict.
 *
 * <p>Stability: experimental.
 *
 * @param daemonFamily the family whose range holds the port; never null
 * @param listener the socket and every holder; never null
 * @param process the owning process, null when no holder could be seen
 * @param identity the verdict, after the engine's own rules; never null
 */
public record Candidate(
    String daemonFamily, ListenerView listener, ProcessView process, Identity identity) {

  /** Checks the required fields. */
  public Candidate {
    Objects.requireNonNull(daemonFamily, "daemonFamily");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(identity, "identity");
  }

  /** The owning pid, or null. */
  public Long pid() {
    return process == null ? null : process.pid();
  }

  /** The listening port. */
  public int port() {
    return listener.port();
  }

  /** The verdict's class. */
  public CleanupClass cleanupClass() {
    return identity.cleanupClass();
  }

  /** Whether this candidate asks for an operator's or kitty's action (doctor exits 3). */
  public boolean needsAction() {
    return !identity.recorded() && identity.cleanupClass() != CleanupClass.NEVER_TOUCH;
  }
}
