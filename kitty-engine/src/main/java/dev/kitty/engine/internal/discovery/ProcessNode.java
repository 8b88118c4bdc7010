package dev.kitty.engine.internal.discovery;

/**
 * The light per-process facts a whole-table snapshot holds, enough to walk trees.
 *
 * @param pid process id
 * @param ppid parent pid, 0 when none
 * @param startTicks platform start stamp, -1 when unknown
 * @param command short command name
 */
public record ProcessNode(long pid, long ppid, long startTicks, String command) {}
