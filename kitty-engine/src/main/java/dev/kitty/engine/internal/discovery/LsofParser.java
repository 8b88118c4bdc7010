package dev.kitty.engine.internal.discovery;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code lsof -nP -iTCP -sTCP:LISTEN -F pcuLPnT} (lsof's field output: one field a line, the
 * first character naming it; {@code p} starts a process, {@code f} a file). Only rows whose state
 * is LISTEN, or that carry no state at all (the query already asked for listeners), are kept. Never
 * throws: malformed lines are skipped.
 */
final class LsofParser {

  private LsofParser() {}

  static List<ListenEntry> parse(String output) {
    List<ListenEntry> out = new ArrayList<>();
    long pid = -1;
    String name = null;
    String state = null;
    for (String raw : output.split("\n")) {
      String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
      if (line.isEmpty()) {
        continue;
      }
      char tag = line.charAt(0);
      String value = line.substring(1);
      switch (tag) {
        case 'p' -> {
          flush(out, pid, name, state);
          name = null;
          state = null;
          pid = parsePid(value);
        }
        case 'f' -> {
          flush(out, pid, name, state);
          name = null;
          state = null;
        }
        case 'n' -> name = value;
        case 'T' -> {
          if (value.startsWith("ST=")) {
            state = value.substring(3);
          }
        }
        default -> {
          // c, u, L, P and the queue sizes say nothing about the socket's address.
        }
      }
    }
    flush(out, pid, name, state);
    return out;
  }

  private static void flush(List<ListenEntry> out, long pid, String name, String state) {
    if (pid <= 0 || name == null || (state != null && !state.equals("LISTEN"))) {
      return;
    }
    // A connected socket's name is "local->remote": not a listener.
    if (name.contains("->")) {
      return;
    }
    int colon = name.lastIndexOf(':');
    if (colon <= 0 || colon == name.length() - 1) {
      return;
    }
    String host = name.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(name.substring(colon + 1));
    } catch (NumberFormatException e) {
      return;
    }
    if (port < 1 || port > 65535) {
      return;
    }
    boolean v6 = host.startsWith("[");
    if (v6) {
      if (!host.endsWith("]") || host.length() < 3) {
        return;
      }
      host = host.substring(1, host.length() - 1);
    }
    if (host.equals("*")) {
      host = v6 ? "::" : "0.0.0.0";
    }
    out.add(new ListenEntry(host, port, v6 || host.contains(":"), pid));
  }

  private static long parsePid(String v) {
    try {
      long pid = Long.parseLong(v.strip());
      return pid > 0 ? pid : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
