package dev.kitty.engine.internal.discovery;

/**
 * The light per-process facts a whole-table snapshot holds: enough to walk trees, find a process
 * group's members and tell whether a pid still names the same process.
 *
 * @param pid process id
 * @param ppid parent pid, 0 when none
 * @param pgid process group, 0 when unknown
 * @param startTicks platform start stamp, -1 when unknown
 * @param state scheduler state letter, "?" when unknown
 * @param command short command name
 */
public record ProcessNode(
    long pid, long ppid, long pgid, long startTicks, String state, String command) {

  /**
   * Whether the process has exited but not been reaped: it holds nothing and cannot be signalled
   * away.
   */
  public boolean zombie() {
    return state.equals("Z") || state.equals("X");
  }
}
