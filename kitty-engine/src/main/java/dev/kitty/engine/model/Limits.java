package dev.kitty.engine.model;

/**
 * What the kernel lets one launch, or a group of them, use (ADR 30): the cgroup's {@code pids.max},
 * {@code memory.max} and {@code cpu.max}. Zero means no limit.
 *
 * <p>Stability: experimental.
 *
 * @param maxProcesses the most processes (and threads) at once
 * @param maxMemoryBytes the most memory; past it the kernel reclaims and then kills one of them
 * @param cpuPercent the most CPU time, as a share of one core (200: two cores)
 */
public record Limits(int maxProcesses, long maxMemoryBytes, int cpuPercent) {

  /** No limit at all. */
  public static final Limits NONE = new Limits(0, 0, 0);

  /** Refuses negative values. */
  public Limits {
    if (maxProcesses < 0 || maxMemoryBytes < 0 || cpuPercent < 0) {
      throw new IllegalArgumentException(
          "limits must not be negative: "
              + maxProcesses
              + ", "
              + maxMemoryBytes
              + ", "
              + cpuPercent);
    }
  }

  /** Whether any limit is set. */
  public boolean any() {
    return maxProcesses > 0 || maxMemoryBytes > 0 || cpuPercent > 0;
  }
}
