package dev.kitty.engine.internal.discovery;

import java.util.Optional;

/**
 * Parses {@code /proc/PID/stat}. The command name sits between the first '(' and the last ')' and
 * may itself contain spaces and parentheses, so the fields are counted from the last ')'. Never
 * throws: anything that is not a stat line is {@link Optional#empty()}.
 */
final class ProcStatParser {

  private ProcStatParser() {}

  static Optional<ProcStat> parse(String line) {
    int open = line.indexOf('(');
    int close = line.lastIndexOf(')');
    if (open < 1 || close < open || close + 2 > line.length()) {
      return Optional.empty();
    }
    Long pid = number(line.substring(0, open).strip());
    String comm = line.substring(open + 1, close);
    String[] f = line.substring(close + 1).strip().split("\\s+");
    // f[0] is field 3 (state); utime and stime are fields 14 and 15, starttime 22, rss 24.
    if (pid == null || pid <= 0 || f.length < 22 || f[0].length() != 1) {
      return Optional.empty();
    }
    Long ppid = number(f[1]);
    Long pgid = number(f[2]);
    Long sid = number(f[3]);
    Long start = number(f[19]);
    Long rss = number(f[21]);
    Long utime = number(f[11]);
    Long stime = number(f[12]);
    if (ppid == null
        || pgid == null
        || sid == null
        || start == null
        || rss == null
        || utime == null
        || stime == null) {
      return Optional.empty();
    }
    return Optional.of(new ProcStat(pid, comm, f[0], ppid, pgid, sid, start, rss, utime + stime));
  }

  private static Long number(String s) {
    if (s.isEmpty() || s.length() > 19) {
      return null;
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
