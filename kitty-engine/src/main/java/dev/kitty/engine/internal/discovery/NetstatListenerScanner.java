package dev.kitty.engine.internal.discovery;

import java.util.List;

/** Windows: listeners from {@code netstat -ano -p TCP} and {@code -p TCPv6}. */
final class NetstatListenerScanner extends ToolListenerScanner {

  @Override
  List<String> command() {
    return List.of("netstat", "-ano");
  }

  @Override
  List<ListenEntry> parse(String output) {
    return NetstatParser.parse(output);
  }
}
