package dev.kitty.api;

import java.time.Duration;
import java.util.List;

/**
 * How kitty starts one of a family's daemons: the command ({@code {port}} is replaced by the chosen
 * port), whether it runs through the platform shell, and how health is checked.
 *
 * <p>Stability: experimental.
 *
 * @param command the command words; never null, copied; may be empty when the user always gives one
 * @param shell whether to run the words through {@code sh -c} / {@code cmd.exe /c}
 * @param healthPath an HTTP path that answers 2xx when healthy, or null to check only that the port
 *     listens
 * @param startTimeout how long a start may take before it is abandoned and its tree killed
 */
public record LaunchSpec(List<String> command, boolean shell, String healthPath, Duration startTimeout) {

  /** Copies the command and validates the timeout. */
  public LaunchSpec {
    command = List.copyOf(command);
    StopPlan.checkWait("LaunchSpec startTimeout", startTimeout);
    if (healthPath != null && !healthPath.startsWith("/")) {
      throw new IllegalArgumentException("healthPath must start with '/': " + healthPath);
    }
  }
}
