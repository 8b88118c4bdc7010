package dev.kitty.shell.interactive;

import dev.kitty.engine.model.KittyException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits command text the way a POSIX shell would for kitty's purposes: words separated by blanks,
 * single quotes literal, double quotes with backslash escapes, {@code ;} separating commands and
 * {@code #} starting a comment outside quotes.
 */
public final class Tokenizer {

  private Tokenizer() {}

  /**
   * The commands in {@code text}, each a list of words; empty commands are dropped.
   *
   * @throws KittyException.Usage on an unterminated quote
   */
  public static List<List<String>> commands(String text) {
    List<List<String>> out = new ArrayList<>();
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          word.append(c);
        }
        continue;
      }
      if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else if (c == '\\'
            && i + 1 < text.length()
            && "\"\\$`".indexOf(text.charAt(i + 1)) >= 0) {
          word.append(text.charAt(++i));
        } else {
          word.append(c);
        }
        continue;
      }
      if (c == '\'' || c == '"') {
        quote = c;
        if (word == null) {
          word = new StringBuilder();
        }
      } else if (c == '\\' && i + 1 < text.length()) {
        if (word == null) {
          word = new StringBuilder();
        }
        word.append(text.charAt(++i));
      } else if (Character.isWhitespace(c) || c == ';') {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
        if (c == ';' || c == '\n') {
          addCommand(out, words);
          words = new ArrayList<>();
        }
      } else if (c == '#' && word == null) {
        while (i + 1 < text.length() && text.charAt(i + 1) != '\n') {
          i++;
        }
      } else {
        if (word == null) {
          word = new StringBuilder();
        }
        word.append(c);
      }
    }
    if (quote != 0) {
      throw new KittyException.Usage(
          "unterminated " + (quote == '"' ? "double" : "single") + " quote");
    }
    if (word != null) {
      words.add(word.toString());
    }
    addCommand(out, words);
    return out;
  }

  private static void addCommand(List<List<String>> out, List<String> words) {
    if (!words.isEmpty()) {
      out.add(List.copyOf(words));
    }
  }
}
