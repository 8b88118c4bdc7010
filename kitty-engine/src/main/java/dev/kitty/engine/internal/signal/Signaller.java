package dev.kitty.engine.internal.signal;

import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.signal.SignalGate.Target;
import java.util.ArrayList;
import java.util.List;

/**
 * Delivers signals for the {@link SignalGate}, which alone decides whether one may be sent (ADR
 * 12). One file per implementation: {@link PidfdSignaller} (Linux), {@link Win32Signaller}
 * (Windows), {@link HandleSignaller} (the portable fallback); {@link #forPlatform} picks one.
 */
public interface Signaller {
  /** How signals are delivered, for {@code doctor}. */
  String name();

  /** Whether STOP and CONT can be sent. */
  boolean canFreeze();

  /**
   * Sends {@code sig} to {@code pid} if it still has {@code startTicks}.
   *
   * @return null when sent; otherwise "gone", "reused" or the error
   */
  String send(long pid, long startTicks, Sig sig, Platform platform);

  /**
   * Sends {@code sig} to every target that still has its start stamp, as one burst: the default
   * sends one after another; a signaller that can pin processes pins them all first.
   *
   * @return per target, in order: null when sent; otherwise as {@link #send}
   */
  default List<String> sendAll(List<Target> targets, Sig sig, Platform platform) {
    List<String> out = new ArrayList<>();
    for (Target t : targets) {
      out.add(send(t.pid(), t.startTicks(), sig, platform));
    }
    return out;
  }

  /** Sends {@code sig} to process group {@code pgid}; null when sent, else the error. */
  String sendGroup(long pgid, Sig sig);

  /**
   * The signaller for {@code platform}: pidfd through FFM on Linux when the kernel has it, process
   * handles through FFM on Windows, else {@link HandleSignaller}.
   */
  static Signaller forPlatform(Platform platform) {
    return switch (platform.os()) {
      case LINUX -> PidfdSignaller.load().orElseGet(HandleSignaller::new);
      case WINDOWS ->
          dev.kitty.engine.internal.os.Kernel32.load()
              .<Signaller>map(Win32Signaller::new)
              .orElseGet(HandleSignaller::new);
      case MACOS, OTHER -> new HandleSignaller();
    };
  }
}
