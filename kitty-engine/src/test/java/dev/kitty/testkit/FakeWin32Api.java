package dev.kitty.testkit;

import dev.kitty.api.ProcessView;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Windows' process calls over a process table (a recorded one, or a test world's), for the Win32
 * signaller's decisions on a machine that is not Windows. It behaves as Windows does where that
 * matters to kitty: a handle keeps the process object (its creation time stays readable after the
 * process exits), {@code OpenProcess} of a pid that does not exist fails with
 * ERROR_INVALID_PARAMETER, of a protected one with ERROR_ACCESS_DENIED, and {@code
 * TerminateProcess} of an exited process with ERROR_ACCESS_DENIED.
 */
public final class FakeWin32Api implements dev.kitty.engine.internal.os.WinProcessApi {

  /** One call that changed something: the API call's name and the pid it acted on. */
  public record Call(String name, long pid) {}

  private record Opened(long pid, long creationMillis) {}

  private final Map<Long, ProcessView> processes;
  private final Set<Long> protectedPids = new HashSet<>();
  private final Set<Long> exitsOnItsOwn = new HashSet<>();
  private final Set<Long> callFails = new HashSet<>();
  private final Map<Long, Opened> handles = new HashMap<>();
  private final List<Call> calls = new ArrayList<>();
  private long nextHandle = 0x1a4;

  /**
   * Over {@code processes}, by pid, their start stamps in epoch ms; terminated ones are removed.
   */
  public FakeWin32Api(Map<Long, ProcessView> processes) {
    this.processes = processes;
  }

  /** {@code pid} cannot be opened (System, an elevated process). */
  public FakeWin32Api protect(long pid) {
    protectedPids.add(pid);
    return this;
  }

  /** Opening {@code pid} fails in the call itself (as an FFM call that throws). */
  public FakeWin32Api callFails(long pid) {
    callFails.add(pid);
    return this;
  }

  /** {@code pid} exits on its own after kitty checked it, just before it is terminated. */
  public FakeWin32Api exitsBeforeTerminate(long pid) {
    exitsOnItsOwn.add(pid);
    return this;
  }

  /** The calls that acted on a process, in order. */
  public synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  /** Handles opened and not closed. */
  public synchronized int openHandles() {
    return handles.size();
  }

  @Override
  public synchronized long open(long pid) {
    if (protectedPids.contains(pid)) {
      return -ERROR_ACCESS_DENIED;
    }
    if (callFails.contains(pid)) {
      return -CALL_FAILED;
    }
    ProcessView p = processes.get(pid);
    if (p == null) {
      return -ERROR_INVALID_PARAMETER;
    }
    nextHandle += 4;
    handles.put(nextHandle, new Opened(pid, p.startTicks()));
    return nextHandle;
  }

  private Opened opened(long handle) {
    Opened o = handles.get(handle);
    if (o == null) {
      throw new IllegalStateException("handle 0x" + Long.toHexString(handle) + " is not open");
    }
    return o;
  }

  @Override
  public synchronized long creationMillis(long handle) {
    return opened(handle).creationMillis();
  }

  @Override
  public synchronized boolean exited(long handle) {
    Opened o = opened(handle);
    ProcessView now = processes.get(o.pid());
    return now == null || now.startTicks() != o.creationMillis();
  }

  @Override
  public synchronized int terminate(long handle, int exitCode) {
    if (exitsOnItsOwn.remove(opened(handle).pid())) {
      processes.remove(opened(handle).pid());
    }
    if (exited(handle)) {
      return ERROR_ACCESS_DENIED;
    }
    long pid = opened(handle).pid();
    calls.add(new Call("TerminateProcess", pid));
    processes.remove(pid);
    return 0;
  }

  @Override
  public synchronized int suspend(long handle) {
    calls.add(new Call("NtSuspendProcess", opened(handle).pid()));
    return 0;
  }

  @Override
  public synchronized int resume(long handle) {
    calls.add(new Call("NtResumeProcess", opened(handle).pid()));
    return 0;
  }

  @Override
  public synchronized void close(long handle) {
    opened(handle);
    handles.remove(handle);
  }

  /**
   * A process table from {@code ConvertTo-Csv} output of {@code Win32_Process} (ProcessId,
   * ParentProcessId, CreationDate, Name, CommandLine), start stamps in epoch ms as the Windows
   * process table has them.
   */
  public static Map<Long, ProcessView> table(String resource) {
    Map<Long, ProcessView> out = new java.util.concurrent.ConcurrentHashMap<>();
    try (InputStream in = FakeWin32Api.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource " + resource);
      }
      List<String> lines =
          new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().skip(1).toList();
      for (String line : lines) {
        String[] f = line.substring(1, line.length() - 1).split("\",\"", -1);
        long pid = Long.parseLong(f[0]);
        long started = cimMillis(f[2]);
        List<String> args = f[4].isEmpty() ? List.of(f[3]) : List.of(f[4].split(" +"));
        out.put(
            pid,
            new ProcessView(
                pid,
                Long.parseLong(f[1]),
                0,
                0,
                1000,
                "dev",
                started,
                java.time.Instant.ofEpochMilli(started),
                f[3],
                args,
                null,
                null,
                0,
                "?",
                Map.of(),
                false));
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }

  /** A CIM datetime, {@code yyyyMMddHHmmss.ffffff+UUU} (UUU: minutes east of UTC), in epoch ms. */
  static long cimMillis(String cim) {
    LocalDateTime local =
        LocalDateTime.parse(
            cim.substring(0, 21), DateTimeFormatter.ofPattern("yyyyMMddHHmmss.SSSSSS"));
    int minutes = Integer.parseInt(cim.substring(21));
    return local.toInstant(ZoneOffset.ofTotalSeconds(minutes * 60)).toEpochMilli();
  }
}
