package dev.kitty.family.dashboard;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code PROJECT/.kittify/.dashboard}: one value a line, blank lines ignored — url, port, then
 * optionally token, pid and (kitty's addition) the process start stamp. Old 2- and 3-line files are
 * read too.
 *
 * @param url line 1
 * @param port line 2
 * @param token line 3, or null
 * @param pid line 4, or null
 * @param startTicks line 5, or null
 */
record DashboardMetadata(String url, int port, String token, Long pid, Long startTicks) {

  /** The most bytes read from a metadata file (a real one is under 200). */
  static final int MAX_BYTES = 64 * 1024;

  /**
   * Parses the file's text.
   *
   * @throws IllegalArgumentException saying which line is wrong
   */
  static DashboardMetadata parse(String text) {
    // A plain loop: the daemon reads its file once more as it exits, and a stream's first use
    // links a dozen call sites (a TERM cost the daemon ~5 ms of CPU with the stream, 3.4 without).
    List<String> lines = new ArrayList<>();
    for (String line : text.replace('\r', '\n').split("\n")) {
      String l = line.strip();
      if (!l.isEmpty()) {
        lines.add(l);
      }
    }
    if (lines.size() < 2) {
      throw new IllegalArgumentException(
          "needs at least a url and a port line, has " + lines.size() + " lines");
    }
    int port;
    try {
      port = Integer.parseInt(lines.get(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("line 2 is not a port: " + abbreviate(lines.get(1)));
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("line 2 is not a port: " + port);
    }
    String token = lines.size() > 2 ? lines.get(2) : null;
    Long pid = lines.size() > 3 ? number(lines.get(3), 4) : null;
    Long start = lines.size() > 4 ? number(lines.get(4), 5) : null;
    return new DashboardMetadata(lines.get(0), port, token, pid, start);
  }

  /** The file's text: url, port, token, pid, start stamp — one a line, as spec-kitty reads it. */
  String format() {
    StringBuilder b = new StringBuilder(url).append('\n').append(port).append('\n');
    if (token != null) {
      b.append(token).append('\n');
      if (pid != null) {
        b.append(pid).append('\n');
        if (startTicks != null) {
          b.append(startTicks).append('\n');
        }
      }
    }
    return b.toString();
  }

  private static Long number(String s, int line) {
    try {
      long v = Long.parseLong(s);
      if (v <= 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "line " + line + " is not a positive number: " + abbreviate(s));
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }
}
