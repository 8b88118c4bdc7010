package dev.kitty.engine.internal.signal;

import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.os.WinProcessApi;
import dev.kitty.engine.internal.signal.SignalGate.Target;
import java.util.List;

/**
 * Windows through process handles: each target is opened and its creation time compared with the
 * stamp kitty classified it by (the same unit as {@link ProcessHandle.Info#startInstant()}, which
 * the Windows process table reads), and only then signalled through that handle. The handle pins
 * the process object, as a pidfd does on Linux: a pid reused after the check cannot be hit. TERM
 * and KILL are both {@code TerminateProcess} (exit code 1), which is what {@code taskkill /F} does;
 * Windows has no polite signal for a process without a console or a window. STOP and CONT are
 * {@code NtSuspendProcess}/{@code NtResumeProcess} (what psutil and Process Explorer use), so a
 * webui tree can be frozen before its {@code cmd.exe} wrappers are killed, as on Linux. There are
 * no process groups.
 */
public final class Win32Signaller implements Signaller {
  private static final int EXIT_CODE = 1;

  private final WinProcessApi api;

  /**
   * A signaller over {@code api}: {@link dev.kitty.engine.internal.os.Kernel32} on Windows, a
   * recorded table in tests.
   */
  public Win32Signaller(WinProcessApi api) {
    this.api = api;
  }

  @Override
  public String name() {
    return "Win32 process handles (FFM)";
  }

  @Override
  public boolean canFreeze() {
    return true;
  }

  @Override
  public String send(long pid, long startTicks, Sig sig, Platform platform) {
    return sendAll(List.of(new Target(pid, startTicks, "")), sig, platform).getFirst();
  }

  /** Opens and checks every target, then signals all that passed, then closes the handles. */
  @Override
  public List<String> sendAll(List<Target> targets, Sig sig, Platform platform) {
    String[] out = new String[targets.size()];
    long[] handles = new long[targets.size()];
    try {
      for (int i = 0; i < targets.size(); i++) {
        Target t = targets.get(i);
        long h = api.open(t.pid());
        if (h <= 0) {
          int error = (int) -h;
          out[i] =
              switch (error) {
                case WinProcessApi.ERROR_INVALID_PARAMETER -> "gone";
                case WinProcessApi.ERROR_ACCESS_DENIED -> "EPERM: access denied";
                case WinProcessApi.CALL_FAILED -> "OpenProcess could not be called";
                default -> "OpenProcess failed: error " + error;
              };
          continue;
        }
        handles[i] = h;
        if (api.exited(h)) {
          out[i] = "gone";
        } else if (api.creationMillis(h) != t.startTicks()) {
          out[i] = "reused";
        }
      }
      for (int i = 0; i < targets.size(); i++) {
        if (handles[i] == 0 || out[i] != null) {
          continue;
        }
        out[i] =
            switch (sig) {
              case TERM, KILL -> {
                int error = api.terminate(handles[i], EXIT_CODE);
                yield error == 0
                    ? null
                    : error == WinProcessApi.ERROR_ACCESS_DENIED && api.exited(handles[i])
                        ? "gone"
                        : "TerminateProcess failed: error " + error;
              }
              case STOP -> ntStatus("NtSuspendProcess", api.suspend(handles[i]));
              case CONT -> ntStatus("NtResumeProcess", api.resume(handles[i]));
            };
      }
    } finally {
      for (long h : handles) {
        if (h != 0) {
          api.close(h);
        }
      }
    }
    return java.util.Arrays.asList(out);
  }

  private static String ntStatus(String call, int status) {
    return status == 0 ? null : call + " failed: NTSTATUS 0x" + Integer.toHexString(status);
  }

  @Override
  public String sendGroup(long pgid, Sig sig) {
    return "process groups do not exist on Windows";
  }
}
