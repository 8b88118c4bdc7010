package dev.kitty.engine.internal.signal;

import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.os.LinuxSignalCalls;
import dev.kitty.engine.internal.signal.SignalGate.Target;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Linux: {@code pidfd_open} + {@code pidfd_send_signal} (Linux 5.3+), {@code kill(-pgid)} for
 * groups, through {@link LinuxSignalCalls}. A pidfd pins one process: the start stamp is checked
 * after the pidfd is open, so a pid reused between the gate's check and the signal is never hit.
 */
public final class PidfdSignaller implements Signaller {
  /** Pidfds held at once: a thousand targets never hold a thousand descriptors. */
  private static final int BURST = 256;

  private final LinuxSignalCalls calls;

  private PidfdSignaller(LinuxSignalCalls calls) {
    this.calls = calls;
  }

  /** The pidfd signaller if FFM is allowed and the kernel has pidfd_open. */
  public static Optional<Signaller> load() {
    return LinuxSignalCalls.load().map(PidfdSignaller::new);
  }

  @Override
  public String name() {
    return "pidfd (FFM)";
  }

  @Override
  public boolean canFreeze() {
    return true;
  }

  @Override
  public String send(long pid, long startTicks, Sig sig, Platform platform) {
    return sendAll(List.of(new Target(pid, startTicks, "")), sig, platform).getFirst();
  }

  /**
   * Opens a pidfd on every target and checks its start stamp (the pidfd pins one process: if the
   * pid was reused before it was opened, the stamp shows it), then signals every pinned process
   * through its pidfd, then closes them all.
   */
  @Override
  public List<String> sendAll(List<Target> targets, Sig sig, Platform platform) {
    if (targets.size() > BURST) {
      List<String> out = new ArrayList<>();
      for (int from = 0; from < targets.size(); from += BURST) {
        out.addAll(
            sendAll(targets.subList(from, Math.min(targets.size(), from + BURST)), sig, platform));
      }
      return out;
    }
    try (LinuxSignalCalls.Calls c = calls.open()) {
      return sendPinned(targets, sig, platform, c);
    }
  }

  /** The burst itself; every pidfd it opened is closed. */
  private static List<String> sendPinned(
      List<Target> targets, Sig sig, Platform platform, LinuxSignalCalls.Calls c) {
    String[] out = new String[targets.size()];
    boolean[] sent = new boolean[targets.size()];
    long[] fds = new long[targets.size()];
    Arrays.fill(fds, -1);
    try {
      for (int i = 0; i < targets.size(); i++) {
        Target t = targets.get(i);
        long fd = c.pidfdOpen(t.pid());
        if (fd < 0) {
          out[i] = fd == -LinuxSignalCalls.ESRCH ? "gone" : "pidfd_open failed: errno " + (-fd);
          continue;
        }
        fds[i] = fd;
        var node = platform.processes().node(t.pid());
        if (node.isEmpty() || node.get().startTicks() != t.startTicks()) {
          out[i] = "reused";
        }
      }
      for (int i = 0; i < targets.size(); i++) {
        if (fds[i] < 0 || out[i] != null) {
          continue;
        }
        int e = c.pidfdSendSignal(fds[i], sig.number);
        if (e == 0) {
          sent[i] = true;
        } else {
          out[i] = error(e);
        }
      }
    } catch (LinuxSignalCalls.CallFailed e) {
      // Whatever was sent before the failure stays sent (null); the rest failed.
      for (int i = 0; i < out.length; i++) {
        out[i] = out[i] == null && !sent[i] ? "signal failed: " + e.getMessage() : out[i];
      }
    } finally {
      for (long fd : fds) {
        if (fd >= 0) {
          c.close(fd);
        }
      }
    }
    return Arrays.asList(out);
  }

  private static String error(int errno) {
    return errno == LinuxSignalCalls.ESRCH
        ? "gone"
        : errno == LinuxSignalCalls.EPERM ? "EPERM: operation not permitted" : "errno " + errno;
  }

  @Override
  public String sendGroup(long pgid, Sig sig) {
    try (LinuxSignalCalls.Calls c = calls.open()) {
      int e = c.kill(-pgid, sig.number);
      return e == 0 ? null : error(e);
    } catch (LinuxSignalCalls.CallFailed e) {
      return "signal failed: " + e.getMessage();
    }
  }
}
