package dev.kitty.engine.internal.discovery;

/**
 * RFC 5952 text for a 16-byte IPv6 address: lowercase, no leading zeros, longest zero run as "::".
 */
final class Ipv6Text {

  private Ipv6Text() {}

  static String format(byte[] b) {
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen && j - i >= 2) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    // IPv4-mapped addresses read better in their dotted form.
    if (bestStart == 0 && bestLen == 5 && g[5] == 0xffff) {
      return "::ffff:"
          + (b[12] & 0xff)
          + "."
          + (b[13] & 0xff)
          + "."
          + (b[14] & 0xff)
          + "."
          + (b[15] & 0xff);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append(i == 0 ? "::" : ":");
        i += bestLen - 1;
        continue;
      }
      sb.append(Integer.toHexString(g[i]));
      if (i < 7) {
        sb.append(':');
      }
    }
    return sb.toString();
  }
}
