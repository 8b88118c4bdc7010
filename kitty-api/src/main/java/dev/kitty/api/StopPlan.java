package dev.kitty.api;

import dev.kitty.api.StopStep.Reach;
import dev.kitty.api.StopStep.Signal;
import dev.kitty.api.StopStep.SignalKind;
import java.time.Duration;
import java.util.List;

/**
 * How the engine stops one of a family's daemons: an ordered list of {@link StopStep}s. The plan is
 * validated when it is built, with a message that names the offending step.
 *
 * <p>Rules: at least one signal step; signals only escalate (no {@code TERM} after a {@code KILL},
 * except after a {@code KILL} of the {@link Reach#WRAPPERS} alone); every grace and deadline is
 * positive and at most {@link StopStep#MAX_WAIT}.
 *
 * <p>Stability: experimental.
 *
 * @param steps the steps in order; never null, copied
 * @since 0.1
 */
public record StopPlan(List<StopStep> steps) {

  /**
   * TERM the tree, wait 3 s, freeze and KILL what is left, then check the port and the members.
   *
   * @since 0.1
   */
  public static final StopPlan DEFAULT = tree(Duration.ofSeconds(3), Duration.ofSeconds(2));

  /**
   * The default shape: TERM the tree and wait {@code grace}; freeze what is left and KILL it; then
   * wait up to {@code verify} for the port to be free and every member gone.
   *
   * @since 0.1
   */
  public static StopPlan tree(Duration grace, Duration verify) {
    return new StopPlan(
        List.of(
            new Signal(SignalKind.TERM, Reach.TREE, grace),
            new StopStep.FreezeTree(),
            new Signal(SignalKind.KILL, Reach.TREE, verify),
            new StopStep.VerifyPortFree(verify),
            new StopStep.VerifyNoMembers(verify)));
  }

  /**
   * For a service that runs in a process group of its own: TERM the group, and every member outside
   * it (a descendant that called {@code setsid}), wait {@code grace}; freeze what is left and KILL
   * it; then wait up to {@code verify} for every member to be gone and the port free.
   *
   * @since 0.1
   */
  public static StopPlan group(Duration grace, Duration verify) {
    return new StopPlan(
        List.of(
            new Signal(SignalKind.TERM, Reach.GROUP, grace),
            new StopStep.FreezeTree(),
            new Signal(SignalKind.KILL, Reach.TREE, verify),
            new StopStep.VerifyNoMembers(verify),
            new StopStep.VerifyPortFree(verify)));
  }

  /**
   * No grace ({@code kitty down --force}): freeze the whole tree so nothing can start anything new,
   * KILL it, and verify.
   *
   * @since 0.1
   */
  public static StopPlan forced(Duration verify) {
    return new StopPlan(
        List.of(
            new StopStep.FreezeTree(),
            new Signal(SignalKind.KILL, Reach.TREE, verify),
            new StopStep.VerifyNoMembers(verify),
            new StopStep.VerifyPortFree(verify)));
  }

  /**
   * For daemons behind a respawning wrapper: freeze the whole tree first, so nothing can start new
   * processes, then TERM it, KILL what is left after {@code grace}, and verify.
   *
   * @since 0.1
   */
  public static StopPlan frozenTree(Duration grace) {
    return new StopPlan(
        List.of(
            new StopStep.FreezeTree(),
            new Signal(SignalKind.TERM, Reach.TREE, grace),
            new Signal(SignalKind.KILL, Reach.TREE, grace),
            new StopStep.VerifyPortFree(grace),
            new StopStep.VerifyNoMembers(grace)));
  }

  /**
   * For a daemon run through a shell wrapper that may respawn it: freeze the whole tree, KILL the
   * wrappers while nothing can move, then TERM the rest and KILL what is left after {@code grace},
   * and verify the port and the members.
   *
   * @since 0.1
   */
  public static StopPlan wrappersFirst(Duration grace) {
    return new StopPlan(
        List.of(
            new StopStep.FreezeTree(),
            new Signal(SignalKind.KILL, Reach.WRAPPERS, grace),
            new Signal(SignalKind.TERM, Reach.TREE, grace),
            new Signal(SignalKind.KILL, Reach.TREE, grace),
            new StopStep.VerifyPortFree(grace),
            new StopStep.VerifyNoMembers(grace)));
  }

  /**
   * For a daemon with a shutdown endpoint: ask it over {@code POST /api/shutdown} with the token
   * from {@code token} (up to {@code verify}), then TERM it ({@code reach}) and wait {@code grace},
   * KILL what is left and wait {@code verify}, and check the port is free within {@code verify}.
   *
   * @since 0.1
   */
  public static StopPlan httpFirst(
      StopStep.TokenSource token, Reach reach, Duration grace, Duration verify) {
    return new StopPlan(
        List.of(
            new StopStep.HttpShutdown("/api/shutdown", token, verify),
            new Signal(SignalKind.TERM, reach, grace),
            new Signal(SignalKind.KILL, reach, verify),
            new StopStep.VerifyPortFree(verify)));
  }

  /**
   * Validates the plan.
   *
   * @since 0.1
   */
  public StopPlan {
    steps = List.copyOf(steps);
    boolean killed = false;
    boolean signalled = false;
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i) instanceof Signal s) {
        signalled = true;
        if (killed && s.kind() == SignalKind.TERM) {
          throw new IllegalArgumentException(
              "stop plan step " + (i + 1) + ": TERM after KILL; signals may only escalate");
        }
        // Killing the wrappers first is no escalation for the rest of the tree.
        killed |= s.kind() == SignalKind.KILL && s.reach() != Reach.WRAPPERS;
      }
    }
    if (!signalled) {
      throw new IllegalArgumentException("stop plan has no Signal step");
    }
  }

  /**
   * Refuses a wait that is not positive or longer than {@link StopStep#MAX_WAIT}, naming {@code
   * what} (the steps' own check; not part of the SPI).
   *
   * @since 0.1
   */
  static void checkWait(String what, Duration d) {
    if (d == null || d.isNegative() || d.isZero() || d.compareTo(StopStep.MAX_WAIT) > 0) {
      throw new IllegalArgumentException(
          what + " must be positive and at most " + StopStep.MAX_WAIT.toSeconds() + " s: " + d);
    }
  }
}
