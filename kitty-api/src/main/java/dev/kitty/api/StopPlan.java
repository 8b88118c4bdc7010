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
 * <p>Rules: at least one signal step; signals only escalate (no {@code TERM} after a {@code KILL});
 * every grace and deadline is positive and at most {@link StopStep#MAX_WAIT}.
 *
 * <p>Stability: experimental.
 *
 * @param steps the steps in order; never null, copied
 */
public record StopPlan(List<StopStep> steps) {

  /** TERM the tree, wait 3 s, KILL what is left, then check the port and the members. */
  public static final StopPlan DEFAULT =
      new StopPlan(
          List.of(
              new Signal(SignalKind.TERM, Reach.TREE, Duration.ofSeconds(3)),
              new StopStep.FreezeTree(),
              new Signal(SignalKind.KILL, Reach.TREE, Duration.ofSeconds(2)),
              new StopStep.VerifyPortFree(Duration.ofSeconds(2)),
              new StopStep.VerifyNoMembers(Duration.ofSeconds(2))));

  /** Validates the plan. */
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
        killed |= s.kind() == SignalKind.KILL;
      }
    }
    if (!signalled) {
      throw new IllegalArgumentException("stop plan has no Signal step");
    }
  }

  static void checkWait(String what, Duration d) {
    if (d == null || d.isNegative() || d.isZero() || d.compareTo(StopStep.MAX_WAIT) > 0) {
      throw new IllegalArgumentException(
          what + " must be positive and at most " + StopStep.MAX_WAIT.toSeconds() + " s: " + d);
    }
  }
}
