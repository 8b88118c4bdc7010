package dev.kitty.shell.interactive;

import java.util.Set;
import org.jline.reader.Highlighter;
import org.jline.reader.LineReader;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * Colours the shell's line as it is typed: a known command green, an unknown one red (so a typo
 * shows before Enter), options cyan, quoted words yellow, {@code ;} between commands bold. Plain
 * when colour is off ({@code --no-color}, {@code NO_COLOR}, a dumb terminal).
 */
final class CommandHighlighter implements Highlighter {

  static final AttributedStyle KNOWN = AttributedStyle.BOLD.foreground(AttributedStyle.GREEN);
  static final AttributedStyle UNKNOWN = AttributedStyle.DEFAULT.foreground(AttributedStyle.RED);
  static final AttributedStyle OPTION = AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN);
  static final AttributedStyle QUOTED = AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);

  private final Set<String> commands;
  private final boolean color;

  /**
   * @param commands the words that start a command (the subcommands and the shell's own words)
   * @param color whether to colour at all
   */
  CommandHighlighter(Set<String> commands, boolean color) {
    this.commands = Set.copyOf(commands);
    this.color = color;
  }

  @Override
  public AttributedString highlight(LineReader reader, String buffer) {
    return highlight(buffer);
  }

  AttributedString highlight(String buffer) {
    if (!color) {
      return new AttributedString(buffer);
    }
    AttributedStringBuilder sb = new AttributedStringBuilder();
    boolean first = true;
    int i = 0;
    while (i < buffer.length()) {
      char c = buffer.charAt(i);
      if (Character.isWhitespace(c)) {
        sb.append(c);
        i++;
        continue;
      }
      if (c == ';') {
        sb.styled(AttributedStyle.BOLD, ";");
        first = true;
        i++;
        continue;
      }
      int j = i;
      char quote = 0;
      while (j < buffer.length()) {
        char d = buffer.charAt(j);
        if (quote != 0) {
          quote = d == quote ? 0 : quote;
        } else if (d == '\'' || d == '"') {
          quote = d;
        } else if (Character.isWhitespace(d) || d == ';') {
          break;
        }
        j++;
      }
      String word = buffer.substring(i, j);
      AttributedStyle style;
      if (first) {
        style = commands.contains(word) ? KNOWN : UNKNOWN;
      } else if (word.startsWith("-")) {
        style = OPTION;
      } else if (word.startsWith("'") || word.startsWith("\"")) {
        style = QUOTED;
      } else {
        style = AttributedStyle.DEFAULT;
      }
      sb.styled(style, word);
      first = false;
      i = j;
    }
    return sb.toAttributedString();
  }
}
