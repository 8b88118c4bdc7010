package dev.kitty.api;

/**
 * When a family's launches count as runaway (a WebUI's own rule: "more than 10 interpreters or more
 * than 3 shell wrappers"). A limit of {@link #UNLIMITED} disables that check.
 *
 * <p>Stability: experimental.
 *
 * @param maxProcesses most processes attributable to one family's launches, at least 1
 * @param maxWrappers most shell wrappers (sh, bash, cmd.exe) among them, at least 1
 * @param maxRssBytes most resident memory of all of them together, at least 1
 * @since 0.1
 */
public record RunawayPolicy(int maxProcesses, int maxWrappers, long maxRssBytes) {

  /**
   * No limit.
   *
   * @since 0.1
   */
  public static final int UNLIMITED = Integer.MAX_VALUE;

  /**
   * A policy that never fires.
   *
   * @since 0.1
   */
  public static final RunawayPolicy NONE = new RunawayPolicy(UNLIMITED, UNLIMITED, Long.MAX_VALUE);

  /**
   * Validates the limits.
   *
   * @since 0.1
   */
  public RunawayPolicy {
    if (maxProcesses < 1 || maxWrappers < 1 || maxRssBytes < 1) {
      throw new IllegalArgumentException(
          "runaway limits must be at least 1: "
              + maxProcesses
              + ", "
              + maxWrappers
              + ", "
              + maxRssBytes);
    }
  }
}
