package dev.kitty.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TerminalCaptureTest {

  private static final String SCREEN =
      "\u001b[1mwebui\u001b[0m [7860, 7900)\n  \u001b[31m■\u001b[39m\u001b[32m■\u001b[0m <x>\n\n\n";

  @Test
  void thePlainTextKeepsEveryCharacterAndDropsTheEscapes() {
    assertEquals("webui [7860, 7900)\n  ■■ <x>\n", TerminalCapture.plain(SCREEN));
    assertEquals("a b\n", TerminalCapture.plain("a\u001b[2Jb\u001b(B".replace("b", " b")));
  }

  @Test
  void thePageColoursEachRunAndEscapesHtml() {
    String html = TerminalCapture.html("map", SCREEN);
    assertTrue(html.contains("<span style=\"font-weight:bold;\">webui</span>"), html);
    assertTrue(html.contains("<span style=\"color:#cc0000;\">■</span>"), html);
    assertTrue(html.contains("<span style=\"color:#4e9a06;\">■</span>"), html);
    assertTrue(html.contains("&lt;x&gt;"), "text is escaped: " + html);
    assertTrue(!html.contains("\u001b"), "no escape is left: " + html);
  }
}
