package dev.kitty.engine.internal.os;

/**
 * The Windows process calls the {@code Win32Signaller} needs, by handle (a handle's address as a
 * long). An interface so that the signaller's decisions are tested on recorded process tables on
 * machines that are not Windows; {@link Kernel32} is the real one.
 */
public interface WinProcessApi {
  /** Access asked for: terminate, suspend/resume, query limited information, synchronize. */
  int ACCESS = 0x0001 | 0x0800 | 0x1000 | 0x0010_0000;

  int ERROR_ACCESS_DENIED = 5;
  int ERROR_INVALID_PARAMETER = 87;

  /** Not a Windows error code: the FFM call itself failed. */
  int CALL_FAILED = 0x7fff_ffff;

  /** {@code OpenProcess(ACCESS, FALSE, pid)}: a handle, or minus {@code GetLastError()}. */
  long open(long pid);

  /** The process's creation time from {@code GetProcessTimes}, in epoch ms; -1 if unknown. */
  long creationMillis(long handle);

  /** Whether the process has exited ({@code GetExitCodeProcess} is not STILL_ACTIVE). */
  boolean exited(long handle);

  /**
   * {@code TerminateProcess(handle, exitCode)}: 0, or {@code GetLastError()} ({@link #CALL_FAILED}
   * when the call itself failed).
   */
  int terminate(long handle, int exitCode);

  /** {@code NtSuspendProcess(handle)}: the NTSTATUS, 0 on success. */
  int suspend(long handle);

  /** {@code NtResumeProcess(handle)}: the NTSTATUS, 0 on success. */
  int resume(long handle);

  /** {@code CloseHandle(handle)}. */
  void close(long handle);
}
