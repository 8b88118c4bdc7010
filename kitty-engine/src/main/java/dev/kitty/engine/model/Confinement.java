package dev.kitty.engine.model;

/**
 * Where a launch's cgroup goes and what it may use (ADR 30): a dev stack's services are cells of
 * the stack's own cgroup ({@code group}), so the stack's limits hold for all of them together and
 * each service's for itself.
 *
 * <p>Stability: experimental.
 *
 * @param group the cgroup the launch's cell goes beneath (letters, digits, '-'), or null for none
 * @param groupLimits the group's limits (set when the group is made)
 * @param limits the launch's own limits
 */
public record Confinement(String group, Limits groupLimits, Limits limits) {

  /** A cell of its own, with no group and no limit. */
  public static final Confinement NONE = new Confinement(null, Limits.NONE, Limits.NONE);

  /** Checks the group's name; null limits are none. */
  public Confinement {
    if (group != null && !group.matches("[A-Za-z0-9-]{1,64}")) {
      throw new IllegalArgumentException("not a cgroup group name: " + group);
    }
    groupLimits = groupLimits == null ? Limits.NONE : groupLimits;
    limits = limits == null ? Limits.NONE : limits;
  }

  /** The cell of a dev stack's service: beneath the stack's group. */
  public static Confinement ofStack(String stackId, Limits stack, Limits service) {
    return new Confinement("stack-" + stackId, stack, service);
  }
}
