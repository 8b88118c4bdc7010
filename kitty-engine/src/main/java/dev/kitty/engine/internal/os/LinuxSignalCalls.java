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
 * Binds Linux's signal calls through FFM: {@code syscall(2)} for {@code pidfd_open}, {@code
 * pidfd_send_signal} and {@code close}, and {@code kill(2)} for process groups. Only the signal
 * package uses it (the architecture test); it decides nothing, it only makes the calls and answers
 * their errno.
 */
public final class LinuxSignalCalls {
  /** errno: operation not permitted. */
  public static final int EPERM = 1;

  /** errno: no such process. */
  public static final int ESRCH = 3;

  private static final long SYS_PIDFD_SEND_SIGNAL = 424;
  private static final long SYS_PIDFD_OPEN = 434;
  // close(2) through the same syscall stub: every downcall handle is a class generated and
  // linked at a cold start (milliseconds of CPU each).
  private static final long SYS_CLOSE = 3;

  private final MethodHandle syscall;
  // Made on the first group signal: each downcall stub costs a cold CLI milliseconds to link, and
  // most stops signal single processes.
  private MethodHandle kill;
  private final Linker.Option errnoOption;
  private final StructLayout captureLayout;
  private final VarHandle errno;

  // Restricted FFM calls are the point of this class; the launcher and the tests grant
  // --enable-native-access=dev.kitty.engine, and nothing else in kitty needs it.
  @SuppressWarnings("restricted")
  private LinuxSignalCalls() {
    Linker linker = Linker.nativeLinker();
    var lookup = linker.defaultLookup();
    captureLayout = Linker.Option.captureStateLayout();
    errno = captureLayout.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    errnoOption = Linker.Option.captureCallState("errno");
    // syscall(long, ...): every argument passed as a long so the kernel sees clean registers.
    syscall =
        linker.downcallHandle(
            lookup.find("syscall").orElseThrow(),
            FunctionDescriptor.of(
                ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG),
            Linker.Option.firstVariadicArg(1),
            errnoOption);
  }

  @SuppressWarnings("restricted")
  private synchronized MethodHandle kill() {
    if (kill == null) {
      Linker linker = Linker.nativeLinker();
      kill =
          linker.downcallHandle(
              linker.defaultLookup().find("kill").orElseThrow(),
              FunctionDescriptor.of(
                  ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
              errnoOption);
    }
    return kill;
  }

  /** The calls, if FFM is allowed and the kernel has {@code pidfd_open} (Linux 5.3+). */
  public static Optional<LinuxSignalCalls> load() {
    try {
      LinuxSignalCalls c = new LinuxSignalCalls();
      try (Calls calls = c.open()) {
        long fd = calls.pidfdOpen(ProcessHandle.current().pid());
        if (fd < 0) {
          return Optional.empty();
        }
        calls.close(fd);
      }
      return Optional.of(c);
    } catch (Throwable e) {
      // No FFM (native access denied) or no pidfd: the caller falls back, and doctor says so.
      return Optional.empty();
    }
  }

  /** A scope of calls that share one errno slot (one allocation for a whole burst). */
  public Calls open() {
    return new Calls();
  }

  /** A call failed in FFM itself (not an errno): nothing more is known about its effect. */
  public static final class CallFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CallFailed(Throwable cause) {
      super(cause.toString(), cause);
    }
  }

  /** Calls within one confined arena; close it when the burst is over. */
  public final class Calls implements AutoCloseable {
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment state = arena.allocate(captureLayout);

    private Calls() {}

    /** {@code pidfd_open(pid, 0)}: a pidfd, or minus the errno. */
    public long pidfdOpen(long pid) {
      try {
        long fd = (long) syscall.invokeExact(state, SYS_PIDFD_OPEN, pid, 0L, 0L, 0L);
        return fd >= 0 ? fd : -(int) errno.get(state, 0L);
      } catch (Throwable e) {
        throw new CallFailed(e);
      }
    }

    /** {@code pidfd_send_signal(fd, sig, NULL, 0)}: 0, or the errno. */
    public int pidfdSendSignal(long fd, int sig) {
      try {
        long rc = (long) syscall.invokeExact(state, SYS_PIDFD_SEND_SIGNAL, fd, (long) sig, 0L, 0L);
        return rc == 0 ? 0 : (int) errno.get(state, 0L);
      } catch (Throwable e) {
        throw new CallFailed(e);
      }
    }

    /** {@code kill(pid, sig)} (a negative pid is a process group): 0, or the errno. */
    public int kill(long pid, int sig) {
      try {
        int rc = (int) LinuxSignalCalls.this.kill().invokeExact(state, (int) pid, sig);
        return rc == 0 ? 0 : (int) errno.get(state, 0L);
      } catch (Throwable e) {
        throw new CallFailed(e);
      }
    }

    /** {@code close(fd)}; a failure is not worth reporting after the signal. */
    public void close(long fd) {
      try {
        long ignored = (long) syscall.invokeExact(state, SYS_CLOSE, fd, 0L, 0L, 0L);
      } catch (Throwable e) {
        // close(2) of a pidfd this process opened cannot fail in a way that changes anything.
      }
    }

    @Override
    public void close() {
      arena.close();
    }
  }
}
