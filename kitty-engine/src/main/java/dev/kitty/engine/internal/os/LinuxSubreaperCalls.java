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

  // Linked on first use (each stub costs a cold start milliseconds) and kept: the subreaper reaps
  // on every round of `up --foreground`.
  private static volatile MethodHandle waitpid;

  private LinuxSubreaperCalls() {}

  @SuppressWarnings("restricted")
  private static MethodHandle bind(
      String function, FunctionDescriptor type, Linker.Option... opts) {
    Linker linker = Linker.nativeLinker();
    return linker.downcallHandle(linker.defaultLookup().find(function).orElseThrow(), type, opts);
  }

  /** {@code prctl(PR_SET_CHILD_SUBREAPER, 1)}: whether it succeeded. */
  public static boolean setChildSubreaper() {
    try {
      MethodHandle prctl =
          bind(
              "prctl",
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
  public static boolean reapNow(long pid) {
    try {
      MethodHandle w = waitpid;
      if (w == null) {
        w =
            bind(
                "waitpid",
                FunctionDescriptor.of(
                    ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS,
                    ValueLayout.JAVA_INT));
        waitpid = w;
      }
      return (int) w.invokeExact((int) pid, MemorySegment.NULL, WNOHANG) == (int) pid;
    } catch (Throwable e) {
      return false;
    }
  }
}
