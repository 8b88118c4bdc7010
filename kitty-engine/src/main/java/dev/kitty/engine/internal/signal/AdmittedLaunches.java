package dev.kitty.engine.internal.signal;

import dev.kitty.engine.internal.discovery.ProcessTable;
import dev.kitty.engine.internal.signal.SignalGate.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The launches a {@link SignalGate} was told about ({@link SignalGate#admitLaunch}): a process is a
 * member of one when it carries the launch's cookie, or is in the launch's session while that
 * session's recorded leader lives, and started no earlier than the launch.
 */
final class AdmittedLaunches {

  /** A launch of a family: its cookie, its family, when it was made, and its session (-1: none). */
  private record Launch(
      String launchId, String family, long notBeforeTicks, long sid, long leaderTicks) {}

  private final List<Launch> launches = new ArrayList<>();

  synchronized void add(
      String launchId, String family, long notBeforeTicks, long sid, long leaderTicks) {
    launches.add(new Launch(launchId, family, notBeforeTicks, sid, leaderTicks));
  }

  /** The launch {@code t} belongs to, and how (its cookie or its session), if any. */
  synchronized Optional<String> memberOf(Target t, ProcessTable processes) {
    if (launches.isEmpty()) {
      return Optional.empty();
    }
    Optional<dev.kitty.api.ProcessView> view = processes.view(t.pid());
    if (view.isEmpty() || view.get().startTicks() < 0) {
      return Optional.empty();
    }
    String cookie = view.get().cookies().get(dev.kitty.api.ProcessView.LAUNCH_COOKIE);
    for (Launch l : launches) {
      if (!l.family().equals(t.family()) || view.get().startTicks() < l.notBeforeTicks()) {
        continue;
      }
      if (l.launchId().equals(cookie)) {
        return Optional.of(l.launchId() + " (its cookie");
      }
      if (view.get().sid() == l.sid() && sessionLed(l, processes)) {
        return Optional.of(l.launchId() + " (its session " + l.sid());
      }
    }
    return Optional.empty();
  }

  /**
   * The start stamp launch {@code launchId} of {@code family} was admitted with, if it was; the
   * latest one when it was admitted more than once (the strictest floor wins).
   */
  synchronized java.util.OptionalLong floor(String launchId, String family) {
    return launches.stream()
        .filter(l -> l.launchId().equals(launchId) && l.family().equals(family))
        .mapToLong(Launch::notBeforeTicks)
        .max();
  }

  /** Whether {@code launchId} was admitted for {@code family}. */
  synchronized boolean admitted(String launchId, String family) {
    return launches.stream()
        .anyMatch(l -> l.launchId().equals(launchId) && l.family().equals(family));
  }

  /** Whether launch {@code l}'s session is still led by its recorded leader (same start stamp). */
  private static boolean sessionLed(Launch l, ProcessTable processes) {
    return processes.aliveAs(l.sid(), l.leaderTicks());
  }
}
