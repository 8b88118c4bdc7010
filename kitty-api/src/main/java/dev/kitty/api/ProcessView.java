package dev.kitty.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A read-only snapshot of one process, as the platform backend saw it at scan time.
 *
 * <p>Identity of a process is the pair ({@code pid}, {@code startTicks}): a PID alone may have been
 * reused. Fields the backend could not read (another user's {@code cwd}, say) are null or empty,
 * never guessed.
 *
 * <p>Stability: experimental.
 *
 * @param pid the process id, positive
 * @param ppid the parent's pid, 0 when none or unknown
 * @param pgid the process group id, 0 when unknown
 * @param sid the session id, 0 when unknown
 * @param uid the real user id, -1 when unknown
 * @param user the user name, null when unknown
 * @param startTicks the platform's start stamp (clock ticks since boot on Linux, epoch milliseconds
 *     elsewhere), compared only for equality; -1 when unknown
 * @param startTime when the process started, null when unknown
 * @param command the short command name (e.g. {@code python3}); never null, may be empty
 * @param args the full argument vector, argv[0] first; never null, empty when unreadable
 * @param executable the resolved executable path, null when unreadable
 * @param cwd the working directory, null when unreadable
 * @param rssBytes resident set size in bytes, -1 when unknown
 * @param state the scheduler state letter (R, S, D, Z, T, ...), or "?" when unknown
 * @param cookies the kitty cookies from its environment ({@code KITTY_LAUNCH_ID}, {@code
 *     KITTY_SERVICE}, {@code KITTY_STACK}, {@code KITTY_FAMILY}, {@code KITTY_TEST}); never null,
 *     empty when none or unreadable
 * @param environmentReadable whether the environment could be read at all
 * @since 0.1
 */
public record ProcessView(
    long pid,
    long ppid,
    long pgid,
    long sid,
    int uid,
    String user,
    long startTicks,
    Instant startTime,
    String command,
    List<String> args,
    String executable,
    String cwd,
    long rssBytes,
    String state,
    Map<String, String> cookies,
    boolean environmentReadable) {

  /**
   * The environment variable that marks every process kitty launched, and its descendants.
   *
   * @since 0.1
   */
  public static final String LAUNCH_COOKIE = "KITTY_LAUNCH_ID";

  /**
   * Copies the collections and checks the required fields.
   *
   * @since 0.1
   */
  public ProcessView {
    if (pid <= 0) {
      throw new IllegalArgumentException("pid must be positive: " + pid);
    }
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(state, "state");
    args = List.copyOf(args);
    cookies = Map.copyOf(cookies);
  }

  /**
   * Whether the environment carries any kitty cookie.
   *
   * @since 0.1
   */
  public boolean hasKittyCookie() {
    return !cookies.isEmpty();
  }

  /**
   * Whether this process is a shell running a command string ({@code sh -c …}, {@code bash -c …},
   * {@code cmd.exe /c …}): a wrapper that may respawn what it runs. An interactive shell is not.
   *
   * @since 0.1
   */
  public boolean shellWrapper() {
    String c = command.toLowerCase(java.util.Locale.ROOT);
    boolean shell =
        switch (c) {
          case "sh", "bash", "dash", "zsh", "ash", "ksh", "cmd", "cmd.exe" -> true;
          default -> false;
        };
    return shell && args.stream().skip(1).anyMatch(a -> a.equals("-c") || a.equalsIgnoreCase("/c"));
  }

  /**
   * The command line joined by spaces, for display.
   *
   * @since 0.1
   */
  public String commandLine() {
    return args.isEmpty() ? command : String.join(" ", args);
  }
}
