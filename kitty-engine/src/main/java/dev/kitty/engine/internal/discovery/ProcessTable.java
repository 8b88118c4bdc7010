package dev.kitty.engine.internal.discovery;

import dev.kitty.api.ProcessView;
import java.util.Map;
import java.util.Optional;

/**
 * The platform's process table. Processes vanish while it is read: that is normal, not an error.
 */
public interface ProcessTable {

  /** Every visible process, light facts only, keyed by pid. */
  Map<Long, ProcessNode> nodes();

  /** The light facts of one process, empty when it is gone: cheap enough to poll while waiting. */
  Optional<ProcessNode> node(long pid);

  /** The full view of one process, empty when it is gone or cannot be seen. */
  Optional<ProcessView> view(long pid);

  /**
   * The real uid of {@code pid}, -1 when unknown; lighter than a full view (the gate asks per
   * signal).
   */
  default int uid(long pid) {
    return view(pid).map(ProcessView::uid).orElse(-1);
  }

  /**
   * The CPU time {@code pid} has used (user and system), empty when gone or where the platform does
   * not say.
   */
  default java.util.OptionalLong cpuMillis(long pid) {
    return java.util.OptionalLong.empty();
  }

  /** The uid kitty runs as. */
  int currentUid();

  /**
   * Whether {@code pid} is alive (not a zombie) and still the process with start stamp {@code
   * startTicks}: false for a negative stamp, a reused pid or a gone one.
   */
  default boolean aliveAs(long pid, long startTicks) {
    return pid > 1
        && startTicks >= 0
        && node(pid).filter(n -> !n.zombie() && n.startTicks() == startTicks).isPresent();
  }
}
