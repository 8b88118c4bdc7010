package dev.kitty.engine.internal.signal;

import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.discovery.ProcessNode;
import java.util.Optional;

/**
 * The portable fallback (macOS, kernels without pidfd, native access not granted): ProcessHandle
 * knows TERM and KILL only, no groups, and cannot freeze. The only class that may call {@code
 * destroy} (the architecture test).
 */
public final class HandleSignaller implements Signaller {
  @Override
  public String name() {
    return "ProcessHandle (fallback: no freeze, no pidfd)";
  }

  @Override
  public boolean canFreeze() {
    return false;
  }

  @Override
  public String send(long pid, long startTicks, Sig sig, Platform platform) {
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty() || !h.get().isAlive()) {
      return "gone";
    }
    // No pidfd here: check the start stamp again right before the signal, in the table's own
    // unit (ticks on Linux, epoch ms elsewhere), so a pid reused since classification is spared.
    long now = platform.processes().node(pid).map(ProcessNode::startTicks).orElse(-1L);
    if (now != startTicks) {
      return now < 0 ? "gone" : "reused";
    }
    boolean ok =
        switch (sig) {
          case TERM -> h.get().destroy();
          case KILL -> h.get().destroyForcibly();
          case STOP, CONT -> false;
        };
    return ok ? null : "the platform refused to signal pid " + pid;
  }

  @Override
  public String sendGroup(long pgid, Sig sig) {
    return "process groups are not supported by the fallback";
  }
}
