package dev.kitty.engine.internal.discovery;

/**
 * The fields kitty needs from {@code /proc/PID/stat}.
 *
 * @param pid process id
 * @param comm the command name between the parentheses (may contain spaces and parentheses)
 * @param state scheduler state letter
 * @param ppid parent pid
 * @param pgid process group
 * @param sid session
 * @param startTicks start time in clock ticks since boot
 * @param rssPages resident set size in pages
 * @param cpuTicks user and system CPU time in clock ticks
 */
record ProcStat(
    long pid,
    String comm,
    String state,
    long ppid,
    long pgid,
    long sid,
    long startTicks,
    long rssPages,
    long cpuTicks) {}
