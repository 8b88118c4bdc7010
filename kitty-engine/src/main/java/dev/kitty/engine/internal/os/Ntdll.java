package dev.kitty.engine.internal.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** Binds ntdll's {@code NtSuspendProcess} and {@code NtResumeProcess} (what psutil uses). */
final class Ntdll {
  private final MethodHandle ntSuspendProcess;
  private final MethodHandle ntResumeProcess;

  @SuppressWarnings("restricted")
  Ntdll() {
    Linker linker = Linker.nativeLinker();
    SymbolLookup ntdll = SymbolLookup.libraryLookup("ntdll", Arena.global());
    FunctionDescriptor byHandle = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
    ntSuspendProcess =
        linker.downcallHandle(ntdll.find("NtSuspendProcess").orElseThrow(), byHandle);
    ntResumeProcess = linker.downcallHandle(ntdll.find("NtResumeProcess").orElseThrow(), byHandle);
  }

  /** {@code NtSuspendProcess(handle)}: the NTSTATUS, 0 on success, -1 when the call failed. */
  int suspend(long handle) {
    return call(ntSuspendProcess, handle);
  }

  /** {@code NtResumeProcess(handle)}: the NTSTATUS, 0 on success, -1 when the call failed. */
  int resume(long handle) {
    return call(ntResumeProcess, handle);
  }

  private static int call(MethodHandle call, long handle) {
    try {
      return (int) call.invokeExact(MemorySegment.ofAddress(handle));
    } catch (Throwable e) {
      return -1;
    }
  }
}
