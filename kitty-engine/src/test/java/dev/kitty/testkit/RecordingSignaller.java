package dev.kitty.testkit;

import dev.kitty.api.ProcessView;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.signal.Sig;
import dev.kitty.engine.internal.signal.Signaller;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A signaller over a {@link TestWorld} that records every signal and lets TERM and KILL end the
 * process (unless it ignores signals). Only the engine's tests use it.
 */
public final class RecordingSignaller implements Signaller {

  /** One recorded signal: the process as it was when the signal was sent. */
  public record Sent(long pid, long startTicks, Sig sig) {}

  private final TestWorld world;

  /** Every signal sent, in order. */
  public final List<Sent> sent = Collections.synchronizedList(new ArrayList<>());

  /** Pids whose process survives TERM and KILL. */
  public final Set<Long> ignoresSignals = new HashSet<>();

  /**
   * Pids whose signals fail with EPERM (another user's process as far as the kernel is concerned).
   */
  public final Set<Long> refusesWithEperm = new HashSet<>();

  /** A signaller that signals {@code world}'s processes. */
  public RecordingSignaller(TestWorld world) {
    this.world = world;
  }

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public boolean canFreeze() {
    return true;
  }

  @Override
  public String send(long pid, long startTicks, Sig sig, Platform platform) {
    ProcessView p = world.processes.get(pid);
    if (p == null) {
      return "gone";
    }
    if (refusesWithEperm.contains(pid)) {
      return "EPERM: operation not permitted";
    }
    sent.add(new Sent(pid, p.startTicks(), sig));
    if ((sig == Sig.TERM || sig == Sig.KILL) && !ignoresSignals.contains(pid)) {
      world.processes.remove(pid);
    }
    return null;
  }

  @Override
  public String sendGroup(long pgid, Sig sig) {
    for (ProcessView p : new ArrayList<>(world.processes.values())) {
      if (p.pgid() == pgid) {
        send(p.pid(), p.startTicks(), sig, null);
      }
    }
    return null;
  }
}
