package dev.kitty.engine.model;

import java.util.List;

/**
 * The answer of {@code cleanup}, {@code doctor --reset} and {@code kill}: every candidate of the
 * named families in exactly one array, each entry true to what happened.
 *
 * <p>Stability: experimental.
 *
 * @param swept stopped, with the path that stopped it
 * @param skipped not attempted (never_touch, recorded, not eligible for this path, already gone)
 * @param failed attempted and not stopped, with the reason
 * @param dryRun whether nothing was signalled (then {@code swept} lists what would be stopped)
 * @param signaller how signals were delivered on this machine; null when nothing needed one
 * @param cells what {@code cleanup} and {@code doctor --reset} did with kitty's orphaned cgroups
 *     (ADR 31)
 */
public record StopReport(
    List<Entry> swept,
    List<Entry> skipped,
    List<Entry> failed,
    boolean dryRun,
    String signaller,
    List<CellOutcome> cells) {

  /** A report of candidates only. */
  public StopReport(
      List<Entry> swept,
      List<Entry> skipped,
      List<Entry> failed,
      boolean dryRun,
      String signaller) {
    this(swept, skipped, failed, dryRun, signaller, List.of());
  }

  /** Copies the lists. */
  public StopReport {
    swept = List.copyOf(swept);
    skipped = List.copyOf(skipped);
    failed = List.copyOf(failed);
    cells = List.copyOf(cells);
  }

  /** Whether something it tried to stop is still there. */
  public boolean anyFailed() {
    return !failed.isEmpty() || cells.stream().anyMatch(c -> c.outcome().equals("failed"));
  }

  /**
   * What happened to one orphaned cgroup.
   *
   * @param cell the cgroup as found
   * @param outcome {@code killed}, {@code would_kill} (dry run), {@code skipped} or {@code failed}
   * @param reason why (always present)
   */
  public record CellOutcome(OrphanCell cell, String outcome, String reason) {}

  /**
   * One candidate's outcome.
   *
   * @param candidate the candidate as classified
   * @param path for swept: {@code http_shutdown}, {@code sigterm}, {@code sigkill}, {@code tree} or
   *     {@code group} (in a dry run, the plan's first step); else null
   * @param reason why (always present)
   */
  public record Entry(Candidate candidate, String path, String reason) {}
}
