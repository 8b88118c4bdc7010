package dev.kitty.engine.model;

import dev.kitty.api.CleanupClass;
import java.util.List;

/**
 * A cgroup kitty made for a launch that still holds processes although no running launch owns it
 * (ADR 31): its launch stopped or failed and something it started stayed, or no record names it any
 * more.
 *
 * <p>Stability: experimental.
 *
 * @param cgroup the cgroup's directory
 * @param launchId the launch it was made for (its name)
 * @param family the family of that launch on record, else the {@code KITTY_FAMILY} of a process in
 *     it, else null
 * @param cleanupClass {@code safe_auto} when a record names the ended launch ({@code kitty cleanup}
 *     stops it), {@code operator_required} when none does ({@code kitty doctor --reset})
 * @param pids the processes in it
 * @param reason what kitty knows of it, in words
 */
public record OrphanCell(
    String cgroup,
    String launchId,
    String family,
    CleanupClass cleanupClass,
    List<Long> pids,
    String reason) {

  /** Copies the pids. */
  public OrphanCell {
    pids = List.copyOf(pids);
  }
}
