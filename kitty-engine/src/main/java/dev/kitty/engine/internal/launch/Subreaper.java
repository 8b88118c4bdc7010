package dev.kitty.engine.internal.launch;

import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.os.LinuxSubreaperCalls;

/**
 * {@code kitty up --foreground} as the subreaper of its descendants: orphaned grandchildren
 * re-parent to kitty rather than to init, and are reaped once they exit. Linux only; elsewhere (or
 * without native access) both calls say no.
 */
public final class Subreaper {
  private Subreaper() {}

  /** Makes this process the subreaper of its descendants; false where that is not possible. */
  public static boolean become(Platform platform) {
    return platform.os() == Platform.Os.LINUX && LinuxSubreaperCalls.setChildSubreaper();
  }

  /**
   * Reaps the exited child {@code pid} (a zombie this process adopted as subreaper); the caller
   * never passes a child the JDK started, whose exit status the JDK's own reaper collects.
   */
  public static boolean reap(long pid) {
    return LinuxSubreaperCalls.reapNow(pid);
  }
}
