package dev.kitty.engine.model;

import dev.kitty.api.ProcessView;
import java.util.List;

/**
 * One family whose launches broke its runaway policy, as {@code kitty watch} and {@code doctor}
 * report it.
 *
 * <p>Stability: experimental.
 *
 * @param family the family
 * @param fired what broke the policy, e.g. {@code "12 processes > 10"}; one entry per limit
 * @param processes processes attributable to the family's launches, wrappers excluded
 * @param wrappers shell wrappers among them
 * @param rssBytes their resident memory together
 * @param members every attributable process (cookie of a launch on record), oldest first
 * @param unattributed processes that say they are the family's ({@code KITTY_FAMILY}) but carry the
 *     cookie of no launch on record: listed, never killed
 * @param bundle the diagnostic bundle written, or null (doctor writes none)
 * @param cleaned what {@code --auto-clean} stopped, or null when it was not asked for
 */
public record RunawayFinding(
    String family,
    List<String> fired,
    int processes,
    int wrappers,
    long rssBytes,
    List<ProcessView> members,
    List<ProcessView> unattributed,
    String bundle,
    StopReport cleaned) {

  /** Copies the lists. */
  public RunawayFinding {
    fired = List.copyOf(fired);
    members = List.copyOf(members);
    unattributed = List.copyOf(unattributed);
  }
}
