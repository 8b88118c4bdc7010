package dev.kitty.engine.internal.discovery;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses Windows {@code netstat -ano -p TCP} / {@code netstat -ano}: rows of {@code Proto, Local
 * Address, Foreign Address, State, PID}. Keeps TCP rows in state LISTENING. The state word is
 * localised on some Windows installs, so a TCP row whose foreign address is the wildcard ({@code
 * 0.0.0.0:0} or {@code [::]:0}) also counts as listening. Never throws.
 */
final class NetstatParser {

  private NetstatParser() {}

  static List<ListenEntry> parse(String output) {
    List<ListenEntry> out = new ArrayList<>();
    for (String raw : output.split("\n")) {
      String[] f = raw.strip().split("\\s+");
      if (f.length != 5 || !f[0].equalsIgnoreCase("TCP") && !f[0].equalsIgnoreCase("TCPv6")) {
        continue;
      }
      boolean wildcardPeer = f[2].equals("0.0.0.0:0") || f[2].equals("[::]:0");
      if (!f[3].equalsIgnoreCase("LISTENING") && !wildcardPeer) {
        continue;
      }
      int colon = f[1].lastIndexOf(':');
      if (colon <= 0) {
        continue;
      }
      String host = f[1].substring(0, colon);
      int port;
      long pid;
      try {
        port = Integer.parseInt(f[1].substring(colon + 1));
        pid = Long.parseLong(f[4]);
      } catch (NumberFormatException e) {
        continue;
      }
      if (port < 1 || port > 65535 || pid < 0) {
        continue;
      }
      boolean v6 = host.startsWith("[") && host.endsWith("]") && host.length() > 2;
      if (v6) {
        host = host.substring(1, host.length() - 1);
        // Windows appends the zone: [fe80::1%4]
        int zone = host.indexOf('%');
        if (zone > 0) {
          host = host.substring(0, zone);
        }
      } else if (host.startsWith("[")) {
        continue;
      }
      out.add(new ListenEntry(host, port, v6, pid));
    }
    return out;
  }
}
