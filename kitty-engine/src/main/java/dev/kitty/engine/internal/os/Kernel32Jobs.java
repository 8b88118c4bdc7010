package dev.kitty.engine.internal.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link WinJobApi} through FFM (ADR 32): kernel32's job and process-creation calls, with the x64
 * layouts of the structures they take written out below. Looked up only on Windows; the sequence
 * built on it is tested on a fake, this binding where Windows runs.
 */
public final class Kernel32Jobs implements WinJobApi {

  private static final ValueLayout H = ValueLayout.ADDRESS;
  private static final ValueLayout DWORD = ValueLayout.JAVA_INT;

  // JOBOBJECT_EXTENDED_LIMIT_INFORMATION (x64): the basic limits (64 bytes: two LARGE_INTEGERs,
  // LimitFlags at 16, working-set sizes, ActiveProcessLimit at 40, affinity, priority,
  // scheduling), IO_COUNTERS (48), then ProcessMemoryLimit at 112 and JobMemoryLimit at 120.
  private static final int EXTENDED_LIMIT_SIZE = 144;
  private static final int LIMIT_FLAGS = 16;
  private static final int ACTIVE_PROCESS_LIMIT = 40;
  private static final int JOB_MEMORY_LIMIT = 120;
  private static final int JOB_OBJECT_LIMIT_ACTIVE_PROCESS = 0x8;
  private static final int JOB_OBJECT_LIMIT_JOB_MEMORY = 0x200;
  private static final int JOB_OBJECT_EXTENDED_LIMIT_INFORMATION = 9;
  private static final int JOB_OBJECT_CPU_RATE_CONTROL_INFORMATION = 15;
  private static final int CPU_RATE_ENABLE_HARD_CAP = 0x1 | 0x4;
  private static final int JOB_OBJECT_BASIC_PROCESS_ID_LIST = 3;
  // Query, terminate, assign, set attributes (limit() on an opened stack job), synchronize.
  private static final int JOB_ACCESS = 0x0004 | 0x0008 | 0x0001 | 0x0010 | 0x0010_0000;

  // STARTUPINFOW (x64, 104 bytes): dwFlags at 60, hStdInput/Output/Error at 80/88/96.
  private static final int STARTUPINFO_SIZE = 104;
  private static final int STARTF_USESTDHANDLES = 0x100;
  private static final int CREATE_SUSPENDED = 0x4;
  private static final int CREATE_NEW_PROCESS_GROUP = 0x200;
  private static final int CREATE_UNICODE_ENVIRONMENT = 0x400;
  private static final int CREATE_NO_WINDOW = 0x0800_0000;

  private final MethodHandle createJob;
  private final MethodHandle openJob;
  private final MethodHandle setInformation;
  private final MethodHandle queryInformation;
  private final MethodHandle assign;
  private final MethodHandle terminateJob;
  private final MethodHandle createProcess;
  private final MethodHandle createFile;
  private final MethodHandle resumeThread;
  private final MethodHandle terminateProcess;
  private final MethodHandle exitCodeProcess;
  private final MethodHandle waitForSingleObject;
  private final MethodHandle closeHandle;
  private final StructLayout captureLayout;
  private final VarHandle lastError;

  @SuppressWarnings("restricted")
  private Kernel32Jobs() {
    Linker linker = Linker.nativeLinker();
    SymbolLookup k32 = SymbolLookup.libraryLookup("kernel32", Arena.global());
    captureLayout = Linker.Option.captureStateLayout();
    lastError = captureLayout.varHandle(MemoryLayout.PathElement.groupElement("GetLastError"));
    Linker.Option capture = Linker.Option.captureCallState("GetLastError");
    createJob = bind(linker, k32, "CreateJobObjectW", FunctionDescriptor.of(H, H, H), capture);
    openJob =
        bind(linker, k32, "OpenJobObjectW", FunctionDescriptor.of(H, DWORD, DWORD, H), capture);
    setInformation =
        bind(
            linker,
            k32,
            "SetInformationJobObject",
            FunctionDescriptor.of(DWORD, H, DWORD, H, DWORD),
            capture);
    queryInformation =
        bind(
            linker,
            k32,
            "QueryInformationJobObject",
            FunctionDescriptor.of(DWORD, H, DWORD, H, DWORD, H),
            capture);
    assign =
        bind(linker, k32, "AssignProcessToJobObject", FunctionDescriptor.of(DWORD, H, H), capture);
    terminateJob =
        bind(linker, k32, "TerminateJobObject", FunctionDescriptor.of(DWORD, H, DWORD), capture);
    createProcess =
        bind(
            linker,
            k32,
            "CreateProcessW",
            FunctionDescriptor.of(DWORD, H, H, H, H, DWORD, DWORD, H, H, H, H),
            capture);
    createFile =
        bind(
            linker,
            k32,
            "CreateFileW",
            FunctionDescriptor.of(H, H, DWORD, DWORD, H, DWORD, DWORD, H),
            capture);
    resumeThread = bind(linker, k32, "ResumeThread", FunctionDescriptor.of(DWORD, H), capture);
    terminateProcess =
        bind(linker, k32, "TerminateProcess", FunctionDescriptor.of(DWORD, H, DWORD), capture);
    exitCodeProcess =
        bind(linker, k32, "GetExitCodeProcess", FunctionDescriptor.of(DWORD, H, H), capture);
    waitForSingleObject =
        bind(linker, k32, "WaitForSingleObject", FunctionDescriptor.of(DWORD, H, DWORD), capture);
    closeHandle = bind(linker, k32, "CloseHandle", FunctionDescriptor.of(DWORD, H), capture);
  }

  @SuppressWarnings("restricted")
  private static MethodHandle bind(
      Linker linker, SymbolLookup lib, String name, FunctionDescriptor fd, Linker.Option capture) {
    return linker.downcallHandle(lib.find(name).orElseThrow(), fd, capture);
  }

  /** The real calls, if this is Windows and native access is granted. */
  public static Optional<WinJobApi> load() {
    try {
      return Optional.of(new Kernel32Jobs());
    } catch (Throwable e) {
      // Not Windows, or native access denied: no containment, doctor says so.
      return Optional.empty();
    }
  }

  private static MemorySegment wide(Arena arena, String s) {
    return s == null
        ? MemorySegment.NULL
        : arena.allocateFrom(s, java.nio.charset.StandardCharsets.UTF_16LE);
  }

  private long handleOrError(MemorySegment h, MemorySegment state) {
    long a = h.address();
    return a != 0 && a != -1 ? a : -(int) lastError.get(state, 0L);
  }

  private int okOrError(int ok, MemorySegment state) {
    return ok != 0 ? 0 : (int) lastError.get(state, 0L);
  }

  @Override
  public long createJob(String name) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(captureLayout);
      MemorySegment h =
          (MemorySegment) createJob.invokeExact(state, MemorySegment.NULL, wide(arena, name));
      long out = handleOrError(h, state);
      if (out > 0 && (int) lastError.get(state, 0L) == 183) { // ERROR_ALREADY_EXISTS
        close(out);
        return -183;
      }
      return out;
    } catch (Throwable e) {
      return -CALL_FAILED;
    }
  }

  @Override
  public long openJob(String name) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(captureLayout);
      MemorySegment h =
          (MemorySegment) openJob.invokeExact(state, JOB_ACCESS, 0, wide(arena, name));
      return handleOrError(h, state);
    } catch (Throwable e) {
      return -CALL_FAILED;
    }
  }

  @Override
  public int limit(long job, int maxProcesses, long maxMemoryBytes, int cpuPercentOfOneCore) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(captureLayout);
      MemorySegment info = arena.allocate(EXTENDED_LIMIT_SIZE, 8);
      int flags = 0; // never JOB_OBJECT_LIMIT_BREAKAWAY_OK nor SILENT_BREAKAWAY_OK (ADR 32)
      if (maxProcesses > 0) {
        flags |= JOB_OBJECT_LIMIT_ACTIVE_PROCESS;
        info.set(ValueLayout.JAVA_INT, ACTIVE_PROCESS_LIMIT, maxProcesses);
      }
      if (maxMemoryBytes > 0) {
        flags |= JOB_OBJECT_LIMIT_JOB_MEMORY;
        info.set(ValueLayout.JAVA_LONG, JOB_MEMORY_LIMIT, maxMemoryBytes);
      }
      info.set(ValueLayout.JAVA_INT, LIMIT_FLAGS, flags);
      MemorySegment j = MemorySegment.ofAddress(job);
      int ok =
          (int)
              setInformation.invokeExact(
                  state, j, JOB_OBJECT_EXTENDED_LIMIT_INFORMATION, info, EXTENDED_LIMIT_SIZE);
      if (ok == 0) {
        return (int) lastError.get(state, 0L);
      }
      if (cpuPercentOfOneCore > 0) {
        // CpuRate: hundredths of a percent of the whole machine's CPU time.
        int cores = Runtime.getRuntime().availableProcessors();
        int rate = (int) Math.max(1, Math.min(10_000, (long) cpuPercentOfOneCore * 100 / cores));
        MemorySegment cpu = arena.allocate(8, 4);
        cpu.set(ValueLayout.JAVA_INT, 0, CPU_RATE_ENABLE_HARD_CAP);
        cpu.set(ValueLayout.JAVA_INT, 4, rate);
        ok =
            (int)
                setInformation.invokeExact(
                    state, j, JOB_OBJECT_CPU_RATE_CONTROL_INFORMATION, cpu, 8);
        return okOrError(ok, state);
      }
      return 0;
    } catch (Throwable e) {
      return CALL_FAILED;
    }
  }

  @Override
  public Created createSuspended(
      String commandLine, List<String> environment, String cwd, String log) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(captureLayout);
      // An inheritable SECURITY_ATTRIBUTES (24 bytes): the child gets the log and NUL handles.
      MemorySegment inherit = arena.allocate(24, 8);
      inherit.set(ValueLayout.JAVA_INT, 0, 24);
      inherit.set(ValueLayout.JAVA_INT, 16, 1);
      MemorySegment out =
          (MemorySegment)
              createFile.invokeExact(
                  state,
                  wide(arena, log),
                  0x0004 | 0x0010_0000,
                  3,
                  inherit,
                  4,
                  0x80,
                  MemorySegment.NULL);
      if (out.address() == 0 || out.address() == -1) {
        return new Created(0, 0, -1, (int) lastError.get(state, 0L));
      }
      MemorySegment in =
          (MemorySegment)
              createFile.invokeExact(
                  state, wide(arena, "NUL"), 0x8000_0000, 3, inherit, 3, 0x80, MemorySegment.NULL);
      try {
        MemorySegment startup = arena.allocate(STARTUPINFO_SIZE, 8);
        startup.set(ValueLayout.JAVA_INT, 0, STARTUPINFO_SIZE);
        startup.set(ValueLayout.JAVA_INT, 60, STARTF_USESTDHANDLES);
        startup.set(ValueLayout.ADDRESS, 80, in);
        startup.set(ValueLayout.ADDRESS, 88, out);
        startup.set(ValueLayout.ADDRESS, 96, out);
        MemorySegment info = arena.allocate(24, 8);
        StringBuilder block = new StringBuilder();
        environment.stream()
            .sorted(String.CASE_INSENSITIVE_ORDER)
            .forEach(e -> block.append(e).append('\0'));
        block.append('\0');
        MemorySegment env =
            arena.allocateFrom(block.toString(), java.nio.charset.StandardCharsets.UTF_16LE);
        int ok =
            (int)
                createProcess.invokeExact(
                    state,
                    MemorySegment.NULL,
                    wide(arena, commandLine), // writable: CreateProcessW may modify it
                    MemorySegment.NULL,
                    MemorySegment.NULL,
                    1,
                    CREATE_SUSPENDED
                        | CREATE_NEW_PROCESS_GROUP
                        | CREATE_UNICODE_ENVIRONMENT
                        | CREATE_NO_WINDOW,
                    env,
                    wide(arena, cwd),
                    startup,
                    info);
        if (ok == 0) {
          return new Created(0, 0, -1, (int) lastError.get(state, 0L));
        }
        return new Created(
            info.get(ValueLayout.ADDRESS, 0).address(),
            info.get(ValueLayout.ADDRESS, 8).address(),
            Integer.toUnsignedLong(info.get(ValueLayout.JAVA_INT, 16)),
            0);
      } finally {
        close(out.address());
        if (in.address() != 0 && in.address() != -1) {
          close(in.address());
        }
      }
    } catch (Throwable e) {
      return new Created(0, 0, -1, CALL_FAILED);
    }
  }

  @Override
  public int assign(long job, long process) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(captureLayout);
      int ok =
          (int)
              assign.invokeExact(
                  state, MemorySegment.ofAddress(job), MemorySegment.ofAddress(process));
      return okOrError(ok, state);
    } catch (Throwable e) {
      return CALL_FAILED;
    }
  }

  @Override
  public int resume(long thread) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(captureLayout);
      int previous = (int) resumeThread.invokeExact(state, MemorySegment.ofAddress(thread));
      return previous == -1 ? (int) lastError.get(state, 0L) : 0;
    } catch (Throwable e) {
      return CALL_FAILED;
    }
  }

  @Override
  public List<Long> pids(long job) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(captureLayout);
      for (int slots = 1024; slots <= 1 << 20; slots *= 8) {
        MemorySegment list = arena.allocate(8 + 8L * slots, 8);
        int ok =
            (int)
                queryInformation.invokeExact(
                    state,
                    MemorySegment.ofAddress(job),
                    JOB_OBJECT_BASIC_PROCESS_ID_LIST,
                    list,
                    (int) list.byteSize(),
                    MemorySegment.NULL);
        int assigned = list.get(ValueLayout.JAVA_INT, 0);
        int listed = list.get(ValueLayout.JAVA_INT, 4);
        if (ok != 0 && listed == assigned) {
          List<Long> out = new ArrayList<>();
          for (int i = 0; i < listed; i++) {
            out.add(list.get(ValueLayout.JAVA_LONG, 8 + 8L * i));
          }
          return out;
        }
        if (ok == 0 && (int) lastError.get(state, 0L) != 234) { // not ERROR_MORE_DATA
          return null;
        }
      }
      return null;
    } catch (Throwable e) {
      return null;
    }
  }

  @Override
  public int terminateJob(long job, int exitCode) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(captureLayout);
      int ok = (int) terminateJob.invokeExact(state, MemorySegment.ofAddress(job), exitCode);
      return okOrError(ok, state);
    } catch (Throwable e) {
      return CALL_FAILED;
    }
  }

  @Override
  public int terminate(long process, int exitCode) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(captureLayout);
      int ok =
          (int) terminateProcess.invokeExact(state, MemorySegment.ofAddress(process), exitCode);
      return okOrError(ok, state);
    } catch (Throwable e) {
      return CALL_FAILED;
    }
  }

  @Override
  public int exitCode(long process) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(captureLayout);
      MemorySegment code = arena.allocate(ValueLayout.JAVA_INT);
      int ok = (int) exitCodeProcess.invokeExact(state, MemorySegment.ofAddress(process), code);
      return ok == 0 ? -1 : code.get(ValueLayout.JAVA_INT, 0);
    } catch (Throwable e) {
      return -1;
    }
  }

  @Override
  public boolean waitFor(long process, long millis) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(captureLayout);
      int r =
          (int)
              waitForSingleObject.invokeExact(
                  state,
                  MemorySegment.ofAddress(process),
                  (int) Math.min(millis, Integer.MAX_VALUE));
      return r == 0; // WAIT_OBJECT_0
    } catch (Throwable e) {
      return false;
    }
  }

  @Override
  public void close(long handle) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(captureLayout);
      int ignored = (int) closeHandle.invokeExact(state, MemorySegment.ofAddress(handle));
    } catch (Throwable e) {
      // A handle that does not close goes with kitty's process.
    }
  }
}
