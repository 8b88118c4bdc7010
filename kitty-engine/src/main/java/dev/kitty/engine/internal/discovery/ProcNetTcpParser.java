package dev.kitty.engine.internal.discovery;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code /proc/net/tcp} and {@code /proc/net/tcp6}. Lenient by design: a line that does not
 * have the kernel's shape is skipped, never fatal, because the file is read while sockets come and
 * go. Never throws on any input.
 */
final class ProcNetTcpParser {

  private ProcNetTcpParser() {}

  /** Every well-formed row of {@code content}; {@code ipv6} says which file it came from. */
  static List<SocketEntry> parse(String content, boolean ipv6) {
    return parse(content, ipv6, false);
  }

  /**
   * As {@link #parse(String, boolean)}; with {@code listeningOnly}, rows in any other state are
   * skipped before they are decoded. A busy machine has thousands of TIME_WAIT rows and a handful
   * of listeners, so this is most of a scan's parsing time.
   */
  static List<SocketEntry> parse(String content, boolean ipv6, boolean listeningOnly) {
    List<SocketEntry> out = new ArrayList<>();
    String[] fields = new String[10];
    int start = 0;
    while (start < content.length()) {
      int end = content.indexOf('\n', start);
      if (end < 0) {
        end = content.length();
      }
      if (tokens(content, start, end, fields) == fields.length
          && (!listeningOnly || fields[3].equals("0A"))) {
        SocketEntry e = parseFields(fields, ipv6);
        if (e != null) {
          out.add(e);
        }
      }
      start = end + 1;
    }
    return out;
  }

  /** Splits {@code s[from, to)} at blanks into {@code out}; returns how many tokens it filled. */
  private static int tokens(String s, int from, int to, String[] out) {
    int n = 0;
    int i = from;
    while (i < to && n < out.length) {
      while (i < to && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      int begin = i;
      while (i < to && !Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      if (i > begin) {
        out[n++] = s.substring(begin, i);
      }
    }
    return n;
  }

  private static SocketEntry parseFields(String[] f, boolean ipv6) {
    // "0: 0100007F:2405 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000  0 123456
    // ..."
    if (!f[0].endsWith(":")) {
      return null;
    }
    int colon = f[1].indexOf(':');
    if (colon < 0) {
      return null;
    }
    String hexAddr = f[1].substring(0, colon);
    String address = ipv6 ? ipv6(hexAddr) : ipv4(hexAddr);
    Integer port = hexInt(f[1].substring(colon + 1), 4);
    Integer state = hexInt(f[3], 2);
    Long uid = decimal(f[7]);
    Long inode = decimal(f[9]);
    if (address == null || port == null || state == null || uid == null || inode == null) {
      return null;
    }
    if (port < 1 || uid > Integer.MAX_VALUE) {
      return null;
    }
    return new SocketEntry(address, port, ipv6, state, uid.intValue(), inode);
  }

  /** The kernel prints each 32-bit word of the address in host byte order. */
  private static byte[] words(String hex, int words) {
    if (hex.length() != words * 8) {
      return null;
    }
    byte[] out = new byte[words * 4];
    boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    for (int w = 0; w < words; w++) {
      Long word = parseHex(hex.substring(w * 8, w * 8 + 8));
      if (word == null) {
        return null;
      }
      for (int b = 0; b < 4; b++) {
        int shift = little ? 8 * b : 8 * (3 - b);
        out[w * 4 + b] = (byte) (word >>> shift);
      }
    }
    return out;
  }

  static String ipv4(String hex) {
    byte[] b = words(hex, 1);
    return b == null ? null : dotted(b);
  }

  /** Four address bytes in network order as text: what both socket tables report (ADR 36). */
  static String dotted(byte[] b) {
    return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
  }

  static String ipv6(String hex) {
    byte[] b = words(hex, 4);
    return b == null ? null : Ipv6Text.format(b);
  }

  private static Integer hexInt(String s, int maxDigits) {
    if (s.isEmpty() || s.length() > maxDigits) {
      return null;
    }
    Long v = parseHex(s);
    return v == null ? null : v.intValue();
  }

  private static Long parseHex(String s) {
    if (s.isEmpty() || s.length() > 8) {
      return null;
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      int d = Character.digit(s.charAt(i), 16);
      if (d < 0) {
        return null;
      }
      v = v * 16 + d;
    }
    return v;
  }

  private static Long decimal(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return null;
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
