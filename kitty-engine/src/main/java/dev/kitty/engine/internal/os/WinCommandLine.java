package dev.kitty.engine.internal.os;

import java.util.List;

/**
 * One command line from argument words, quoted so that {@code CommandLineToArgvW} (and the C
 * runtime every Windows program parses its arguments with) gives the same words back: a word with a
 * space, a tab, a quote or nothing at all is quoted; backslashes are literal except before a quote,
 * where each is doubled and the quote escaped.
 */
public final class WinCommandLine {
  private WinCommandLine() {}

  /**
   * The command line of {@code words}. {@code cmd.exe /c COMMAND…} is the exception: cmd.exe does
   * not parse its line as C programs do, so its command goes as written, whole, inside one pair of
   * quotes that {@code /s} tells it to strip ({@code cmd.exe /d /s /c "COMMAND"}).
   */
  public static String of(List<String> words) {
    if (words.size() > 2
        && words.get(0).toLowerCase(java.util.Locale.ROOT).matches("(.*\\\\)?cmd(\\.exe)?")
        && words.get(1).equalsIgnoreCase("/c")) {
      return quoted(words.get(0))
          + " /d /s /c \""
          + String.join(" ", words.subList(2, words.size()))
          + "\"";
    }
    StringBuilder b = new StringBuilder();
    for (String w : words) {
      if (!b.isEmpty()) {
        b.append(' ');
      }
      quote(w, b);
    }
    return b.toString();
  }

  private static String quoted(String w) {
    StringBuilder b = new StringBuilder();
    quote(w, b);
    return b.toString();
  }

  private static void quote(String w, StringBuilder b) {
    if (!w.isEmpty() && w.chars().noneMatch(c -> c == ' ' || c == '\t' || c == '"' || c == '\n')) {
      b.append(w);
      return;
    }
    b.append('"');
    int backslashes = 0;
    for (int i = 0; i < w.length(); i++) {
      char c = w.charAt(i);
      if (c == '\\') {
        backslashes++;
        continue;
      }
      if (c == '"') {
        b.append("\\".repeat(backslashes * 2 + 1));
      } else {
        b.append("\\".repeat(backslashes));
      }
      backslashes = 0;
      b.append(c);
    }
    // Before the closing quote every backslash is doubled, or the quote would be escaped.
    b.append("\\".repeat(backslashes * 2)).append('"');
  }
}
