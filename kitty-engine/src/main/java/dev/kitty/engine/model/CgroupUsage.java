package dev.kitty.engine.model;

/**
 * What the kernel counts for one launch's cgroup (ADR 30): -1 where it does not count it (the
 * controller is not enabled for the cell, or the machine has none).
 *
 * <p>Stability: experimental.
 *
 * @param tasks {@code pids.current}: processes and their threads
 * @param maxTasks {@code pids.max} (0: no limit)
 * @param memoryBytes {@code memory.current}
 * @param maxMemoryBytes {@code memory.max} (0: no limit)
 * @param oomKills how many of its processes the kernel killed for memory ({@code oom_kill} of
 *     {@code memory.events})
 * @param refusedForks how many forks (or new threads) the kernel refused at {@code pids.max}
 *     ({@code max} of {@code pids.events})
 */
public record CgroupUsage(
    long tasks,
    long maxTasks,
    long memoryBytes,
    long maxMemoryBytes,
    long oomKills,
    long refusedForks) {

  /** Nothing counted. */
  public static final CgroupUsage UNKNOWN = new CgroupUsage(-1, -1, -1, -1, -1, -1);
}
