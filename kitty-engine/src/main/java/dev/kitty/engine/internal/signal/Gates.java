package dev.kitty.engine.internal.signal;

import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.registry.FamilyRegistry;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the gate each command signals through, for one kitty: the signaller is chosen once, on
 * first need (most commands signal nothing), and every gate's decisions go to the one audit log. A
 * decision the log could not take is counted, so that the command that made it can fail (ADR 12).
 */
public final class Gates {

  private final Platform platform;
  private final FamilyRegistry registry;
  private final Path stateDir;
  private final boolean allUsers;
  private final AtomicInteger auditLost = new AtomicInteger();
  private volatile String auditLostWhy;
  private Signaller signaller;

  /**
   * Gates over one platform and state dir.
   *
   * @param signaller the signaller to use, or null for the platform's (chosen on first need)
   */
  public Gates(
      Platform platform,
      FamilyRegistry registry,
      Path stateDir,
      boolean allUsers,
      Signaller signaller) {
    this.platform = platform;
    this.registry = registry;
    this.stateDir = stateDir;
    this.allUsers = allUsers;
    this.signaller = signaller;
  }

  /** A gate for one command: its decisions audited, its signaller made on first need. */
  public SignalGate gate() {
    return new SignalGate(
        platform, registry, this::signaller, new AuditLog(stateDir, this::auditLost), allUsers);
  }

  /** How this machine delivers signals (chosen now if nothing has needed it yet). */
  public synchronized String signallerName() {
    return signaller().name();
  }

  /** The signaller's name once one was needed; null while nothing was signalled. */
  public synchronized String signallerUsed() {
    return signaller == null ? null : signaller.name();
  }

  private synchronized Signaller signaller() {
    if (signaller == null) {
      signaller = Signaller.forPlatform(platform);
    }
    return signaller;
  }

  private void auditLost(String why) {
    auditLostWhy = why;
    auditLost.incrementAndGet();
  }

  /**
   * Why gate decisions since the last call left no line in the audit log, if any did: the command
   * that made them has failed (exit 1) even when everything else went well.
   */
  public Optional<String> takeAuditProblem() {
    int lost = auditLost.getAndSet(0);
    return lost == 0
        ? Optional.empty()
        : Optional.of(
            auditLostWhy + ": " + lost + " decision" + (lost == 1 ? "" : "s") + " not recorded");
  }
}
