package dev.kitty.engine.internal.os;

import java.util.List;

/**
 * The Windows calls a launch's Job Object needs (ADR 32), by handle (a handle's address as a long):
 * the process created suspended, assigned to its job, then resumed, so that nothing it starts is
 * ever outside. An interface so that the order and the failure paths are tested on a fake on
 * machines that are not Windows; {@link Kernel32Jobs} is the real one.
 */
public interface WinJobApi {

  /** {@code GetExitCodeProcess}'s answer while the process runs. */
  int STILL_ACTIVE = 259;

  /** Not a Windows error code: the FFM call itself failed. */
  int CALL_FAILED = WinProcessApi.CALL_FAILED;

  /**
   * A process created suspended: its handles and pid, or the error that prevented it.
   *
   * @param process the process handle (0 on error)
   * @param thread its first thread's handle, still suspended (0 on error)
   * @param pid its pid (-1 on error)
   * @param error 0, or {@code GetLastError()}
   */
  record Created(long process, long thread, long pid, int error) {}

  /**
   * {@code CreateJobObjectW(NULL, name)}: a handle, or minus {@code GetLastError()}; an existing
   * job of that name is an error here ({@code ERROR_ALREADY_EXISTS}, 183): a launch's job is new.
   */
  long createJob(String name);

  /**
   * {@code OpenJobObjectW(query | terminate | assign, FALSE, name)}: a handle, or minus the error.
   */
  long openJob(String name);

  /**
   * {@code SetInformationJobObject}: the job's process count, memory and CPU limits (0: none). The
   * limit flags never include a breakaway: a process of the job cannot create one outside it.
   *
   * @return 0, or {@code GetLastError()}
   */
  int limit(long job, int maxProcesses, long maxMemoryBytes, int cpuPercentOfOneCore);

  /**
   * {@code CreateProcessW} with {@code CREATE_SUSPENDED | CREATE_NEW_PROCESS_GROUP |
   * CREATE_NO_WINDOW | CREATE_UNICODE_ENVIRONMENT}: {@code commandLine} as Windows parses it,
   * {@code environment} as {@code NAME=value} entries, standard input from {@code NUL}, output and
   * errors appended to {@code log}.
   */
  Created createSuspended(String commandLine, List<String> environment, String cwd, String log);

  /** {@code AssignProcessToJobObject(job, process)}: 0, or {@code GetLastError()}. */
  int assign(long job, long process);

  /** {@code ResumeThread(thread)}: 0, or {@code GetLastError()}. */
  int resume(long thread);

  /**
   * {@code QueryInformationJobObject(JobObjectBasicProcessIdList)}: the pids in the job, or null
   * when they cannot all be read.
   */
  List<Long> pids(long job);

  /** {@code TerminateJobObject(job, exitCode)}: 0, or {@code GetLastError()}. */
  int terminateJob(long job, int exitCode);

  /** {@code TerminateProcess(process, exitCode)}: 0, or {@code GetLastError()}. */
  int terminate(long process, int exitCode);

  /** {@code GetExitCodeProcess}: {@link #STILL_ACTIVE} while it runs, -1 when unknown. */
  int exitCode(long process);

  /** {@code WaitForSingleObject(process, millis)}: whether it has exited. */
  boolean waitFor(long process, long millis);

  /** {@code CloseHandle(handle)}. */
  void close(long handle);
}
