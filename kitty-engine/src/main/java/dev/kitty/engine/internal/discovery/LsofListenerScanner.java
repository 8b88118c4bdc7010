package dev.kitty.engine.internal.discovery;

import java.util.List;

/** macOS: listeners from {@code lsof}'s field output. */
final class LsofListenerScanner extends ToolListenerScanner {

  @Override
  List<String> command() {
    return List.of("lsof", "-nP", "-iTCP", "-sTCP:LISTEN", "-F", "pcuLPnT");
  }

  @Override
  List<ListenEntry> parse(String output) {
    return LsofParser.parse(output);
  }
}
