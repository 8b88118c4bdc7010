package dev.kitty.engine.internal.launch;

import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.discovery.ProcessNode;
import dev.kitty.engine.internal.os.LinuxSubreaperCalls;
import java.time.Duration;

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

  /**
   * Makes this process the subreaper of what it starts and reaps, every {@code interval}, the
   * adopted orphans that exited, so none lingers as a zombie. Returns false, doing nothing, where
   * that is not possible.
   */
  public static boolean adoptOrphans(Platform platform, Duration interval) {
    if (!become(platform)) {
      return false;
    }
    long me = ProcessHandle.current().pid();
    Thread reaper =
        Thread.ofPlatform()
            .daemon()
            .name("kitty-subreaper")
            .start(
                () -> {
                  while (!Thread.currentThread().isInterrupted()) {
                    for (ProcessNode n : platform.processes().nodes().values()) {
                      if (n.ppid() == me && n.zombie() && !Launcher.SPAWNED.contains(n.pid())) {
                        reap(n.pid());
                      }
                    }
                    try {
                      Thread.sleep(interval);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
    return reaper.isAlive();
  }
}
