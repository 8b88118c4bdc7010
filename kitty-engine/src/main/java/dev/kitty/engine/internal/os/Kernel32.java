package dev.kitty.engine.internal.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Optional;

/**
 * {@link WinProcessApi} through FFM: binds kernel32's process calls ({@code OpenProcess}, {@code
 * GetProcessTimes}, {@code GetExitCodeProcess}, {@code TerminateProcess}, {@code CloseHandle}),
 * with {@link Ntdll} for suspend and resume; looked up only on Windows.
 */
public final class Kernel32 implements WinProcessApi {
  /** The time from 1601-01-01 (FILETIME's epoch) to 1970-01-01, in ms. */
  private static final long FILETIME_EPOCH_MILLIS = 11_644_473_600_000L;

  private static final int STILL_ACTIVE = 259;

  private final MethodHandle openProcess;
  private final MethodHandle getProcessTimes;
  private final MethodHandle getExitCodeProcess;
  private final MethodHandle terminateProcess;
  private final MethodHandle closeHandle;
  private final Ntdll ntdll;
  private final StructLayout captureLayout;
  private final VarHandle lastError;

  @SuppressWarnings("restricted")
  private Kernel32() {
    Linker linker = Linker.nativeLinker();
    var kernel32 = java.lang.foreign.SymbolLookup.libraryLookup("kernel32", Arena.global());
    captureLayout = Linker.Option.captureStateLayout();
    lastError = captureLayout.varHandle(MemoryLayout.PathElement.groupElement("GetLastError"));
    Linker.Option capture = Linker.Option.captureCallState("GetLastError");
    ValueLayout handle = ValueLayout.ADDRESS;
    ValueLayout dword = ValueLayout.JAVA_INT;
    openProcess =
        linker.downcallHandle(
            kernel32.find("OpenProcess").orElseThrow(),
            FunctionDescriptor.of(handle, dword, dword, dword),
            capture);
    getProcessTimes =
        linker.downcallHandle(
            kernel32.find("GetProcessTimes").orElseThrow(),
            FunctionDescriptor.of(
                dword,
                handle,
                ValueLayout.ADDRESS,
                ValueLayout.ADDRESS,
                ValueLayout.ADDRESS,
                ValueLayout.ADDRESS));
    getExitCodeProcess =
        linker.downcallHandle(
            kernel32.find("GetExitCodeProcess").orElseThrow(),
            FunctionDescriptor.of(dword, handle, ValueLayout.ADDRESS));
    terminateProcess =
        linker.downcallHandle(
            kernel32.find("TerminateProcess").orElseThrow(),
            FunctionDescriptor.of(dword, handle, dword),
            capture);
    closeHandle =
        linker.downcallHandle(
            kernel32.find("CloseHandle").orElseThrow(), FunctionDescriptor.of(dword, handle));
    ntdll = new Ntdll();
  }

  /** The real calls, if this is Windows and native access is granted. */
  public static Optional<WinProcessApi> load() {
    try {
      return Optional.of(new Kernel32());
    } catch (Throwable e) {
      // Not Windows, or native access denied: the ProcessHandle fallback is used, doctor says so.
      return Optional.empty();
    }
  }

  @Override
  public long open(long pid) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(captureLayout);
      MemorySegment h = (MemorySegment) openProcess.invokeExact(state, ACCESS, 0, (int) pid);
      return h.address() != 0 ? h.address() : -(int) lastError.get(state, 0L);
    } catch (Throwable e) {
      // A call that failed is a failure, never "gone" (ERROR_INVALID_PARAMETER would say that).
      return -CALL_FAILED;
    }
  }

  @Override
  public long creationMillis(long handle) {
    try (Arena arena = Arena.ofConfined()) {
      // Four FILETIMEs (creation, exit, kernel, user): two little-endian DWORDs each.
      MemorySegment times = arena.allocate(ValueLayout.JAVA_LONG, 4);
      int ok =
          (int)
              getProcessTimes.invokeExact(
                  MemorySegment.ofAddress(handle),
                  times,
                  times.asSlice(8),
                  times.asSlice(16),
                  times.asSlice(24));
      return ok == 0 ? -1 : times.get(ValueLayout.JAVA_LONG, 0) / 10_000 - FILETIME_EPOCH_MILLIS;
    } catch (Throwable e) {
      return -1;
    }
  }

  @Override
  public boolean exited(long handle) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment code = arena.allocate(ValueLayout.JAVA_INT);
      int ok = (int) getExitCodeProcess.invokeExact(MemorySegment.ofAddress(handle), code);
      return ok != 0 && code.get(ValueLayout.JAVA_INT, 0) != STILL_ACTIVE;
    } catch (Throwable e) {
      return false;
    }
  }

  @Override
  public int terminate(long handle, int exitCode) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(captureLayout);
      int ok = (int) terminateProcess.invokeExact(state, MemorySegment.ofAddress(handle), exitCode);
      return ok != 0 ? 0 : (int) lastError.get(state, 0L);
    } catch (Throwable e) {
      return CALL_FAILED;
    }
  }

  @Override
  public int suspend(long handle) {
    return ntdll.suspend(handle);
  }

  @Override
  public int resume(long handle) {
    return ntdll.resume(handle);
  }

  @Override
  public void close(long handle) {
    try {
      int ignored = (int) closeHandle.invokeExact(MemorySegment.ofAddress(handle));
    } catch (Throwable e) {
      // Nothing to do about a handle that does not close; the process ends with kitty's.
    }
  }
}
