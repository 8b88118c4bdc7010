package dev.kitty.api;

import java.time.Duration;
import java.util.Objects;

/**
 * One step of a {@link StopPlan}. Steps are data; only the engine executes them, each signal
 * through its single gate.
 *
 * <p>Stability: experimental.
 *
 * @since 0.1
 */
public sealed interface StopStep {

  /**
   * The longest grace or deadline any step may ask for.
   *
   * @since 0.1
   */
  Duration MAX_WAIT = Duration.ofSeconds(60);

  /**
   * Where a signal goes.
   *
   * @since 0.1
   */
  enum Reach {
    /**
     * The target process only.
     *
     * @since 0.1
     */
    PROCESS,
    /**
     * The target and its descendants (snapshotted before the target is signalled).
     *
     * @since 0.1
     */
    TREE,
    /**
     * The target's process group.
     *
     * @since 0.1
     */
    GROUP,
    /**
     * Only the shell wrappers above the target: they respawn what is killed under them, so a plan
     * kills them before anything else. A KILL of this reach may precede a TERM of the rest.
     *
     * @since 0.1
     */
    WRAPPERS
  }

  /**
   * Which signal. Escalation only goes from {@code TERM} to {@code KILL}.
   *
   * @since 0.1
   */
  enum SignalKind {
    /**
     * Asks the process to exit (SIGTERM; a polite close on Windows).
     *
     * @since 0.1
     */
    TERM,
    /**
     * Ends the process (SIGKILL; TerminateProcess on Windows).
     *
     * @since 0.1
     */
    KILL
  }

  /**
   * Where an HTTP shutdown finds its token.
   *
   * @since 0.1
   */
  enum TokenSource {
    /**
     * The endpoint needs no token.
     *
     * @since 0.1
     */
    NONE,
    /**
     * The token in the daemon's metadata file.
     *
     * @since 0.1
     */
    METADATA_FILE,
    /**
     * The token in kitty's launch record.
     *
     * @since 0.1
     */
    LAUNCH_RECORD
  }

  /**
   * Asks the daemon to shut itself down over loopback HTTP.
   *
   * @param path the shutdown path, e.g. {@code /api/shutdown}
   * @param tokenSource where the token comes from
   * @param timeout how long to wait for the port to close
   * @since 0.1
   */
  record HttpShutdown(String path, TokenSource tokenSource, Duration timeout) implements StopStep {
    /**
     * Validates the step.
     *
     * @since 0.1
     */
    public HttpShutdown {
      if (path == null || !path.startsWith("/")) {
        throw new IllegalArgumentException("HttpShutdown path must start with '/': " + path);
      }
      Objects.requireNonNull(tokenSource, "tokenSource");
      StopPlan.checkWait("HttpShutdown timeout", timeout);
    }
  }

  /**
   * Sends a signal and waits up to {@code grace} for the targets to exit.
   *
   * @param kind the signal
   * @param reach process, tree or group
   * @param grace how long to wait before the next step
   * @since 0.1
   */
  record Signal(SignalKind kind, Reach reach, Duration grace) implements StopStep {
    /**
     * Validates the step.
     *
     * @since 0.1
     */
    public Signal {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(reach, "reach");
      StopPlan.checkWait("Signal grace", grace);
    }
  }

  /**
   * Stops (SIGSTOP) every member of the tree so none can start new ones while it is killed.
   *
   * @since 0.1
   */
  record FreezeTree() implements StopStep {}

  /**
   * Waits until the port is no longer listening.
   *
   * @param deadline how long to wait
   * @since 0.1
   */
  record VerifyPortFree(Duration deadline) implements StopStep {
    /**
     * Validates the step.
     *
     * @since 0.1
     */
    public VerifyPortFree {
      StopPlan.checkWait("VerifyPortFree deadline", deadline);
    }
  }

  /**
   * Waits until no member of the daemon (tree, group, launch cookie) is alive.
   *
   * @param deadline how long to wait
   * @since 0.1
   */
  record VerifyNoMembers(Duration deadline) implements StopStep {
    /**
     * Validates the step.
     *
     * @since 0.1
     */
    public VerifyNoMembers {
      StopPlan.checkWait("VerifyNoMembers deadline", deadline);
    }
  }
}
