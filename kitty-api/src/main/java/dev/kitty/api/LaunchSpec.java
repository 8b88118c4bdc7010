package dev.kitty.api;

import java.time.Duration;
import java.util.List;

/**
 * How kitty starts one of a family's daemons: the command, whether it runs through the platform
 * shell, and how health is checked.
 *
 * <p>The engine replaces these placeholders in the command words: {@code {port}} the chosen port;
 * {@code {java}} the {@code java} launcher of the running JVM; {@code {module_path}} the module
 * path that holds the family's module and every module it reads (so a family can ship its daemon as
 * a main class of its own module); {@code {state_dir}} kitty's state directory; {@code {scope}} the
 * scope it is started for (a project directory; empty for a family with one singleton); {@code
 * {record}} the file in which the engine keeps the launch's record. The daemon's environment
 * carries {@code KITTY_LAUNCH_ID}, {@code KITTY_FAMILY}, {@code KITTY_TOKEN} (its shutdown token)
 * and {@code PORT}.
 *
 * <p>Stability: experimental.
 *
 * @param command the command words; never null, copied; may be empty when the user always gives one
 * @param shell whether to run the words through {@code sh -c} / {@code cmd.exe /c}
 * @param healthPath an HTTP path that answers 2xx when healthy, or null to check only that the port
 *     listens
 * @param startTimeout how long a start may take before it is abandoned and its tree killed
 * @since 0.1
 */
public record LaunchSpec(
    List<String> command, boolean shell, String healthPath, Duration startTimeout) {

  /**
   * Copies the command and validates the timeout.
   *
   * @since 0.1
   */
  public LaunchSpec {
    command = List.copyOf(command);
    StopPlan.checkWait("LaunchSpec startTimeout", startTimeout);
    if (healthPath != null && !healthPath.startsWith("/")) {
      throw new IllegalArgumentException("healthPath must start with '/': " + healthPath);
    }
  }
}
