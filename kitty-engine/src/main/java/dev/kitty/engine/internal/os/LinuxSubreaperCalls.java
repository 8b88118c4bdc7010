package dev.kitty.engine.internal.os;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Binds {@code prctl(PR_SET_CHILD_SUBREAPER)} and {@code waitpid(pid, WNOHANG)} through FFM, for
 * the launch package's subreaper. Linux only; each call answers false when it cannot be made.
 */
public final class LinuxSubreaperCalls {
  private static final int PR_SET_CHILD_SUBREAPER = 36;
  private static final int WNOHANG = 1;

  private LinuxSubreaperCalls() {}

  /** {@code prctl(PR_SET_CHILD_SUBREAPER, 1)}: whether it succeeded. */
  @SuppressWarnings("restricted")
  public static boolean setChildSubreaper() {
    try {
      Linker linker = Linker.nativeLinker();
      MethodHandle prctl =
          linker.downcallHandle(
              linker.defaultLookup().find("prctl").orElseThrow(),
              FunctionDescriptor.of(
                  ValueLayout.JAVA_INT,
                  ValueLayout.JAVA_INT,
                  ValueLayout.JAVA_LONG,
                  ValueLayout.JAVA_LONG,
                  ValueLayout.JAVA_LONG,
                  ValueLayout.JAVA_LONG),
              Linker.Option.firstVariadicArg(1));
      return (int) prctl.invokeExact(PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L) == 0;
    } catch (Throwable e) {
      return false;
    }
  }

  /** {@code waitpid(pid, NULL, WNOHANG)}: whether it reaped {@code pid}. */
  @SuppressWarnings("restricted")
  public static boolean reapNow(long pid) {
    try {
      Linker linker = Linker.nativeLinker();
      MethodHandle waitpid =
          linker.downcallHandle(
              linker.defaultLookup().find("waitpid").orElseThrow(),
              FunctionDescriptor.of(
                  ValueLayout.JAVA_INT,
                  ValueLayout.JAVA_INT,
                  ValueLayout.ADDRESS,
                  ValueLayout.JAVA_INT));
      return (int) waitpid.invokeExact((int) pid, MemorySegment.NULL, WNOHANG) == (int) pid;
    } catch (Throwable e) {
      return false;
    }
  }
}
