package dev.kitty.shell.render;

import dev.kitty.api.CleanupClass;

/** Colours for human output; plain text when colour is off (no terminal, --no-color, NO_COLOR). */
public record Ansi(boolean enabled) {

  public String paint(String code, String text) {
    return enabled ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
  }

  public String bold(String text) {
    return paint("1", text);
  }

  public String dim(String text) {
    return paint("2", text);
  }

  /** The colour code of a class; recorded live daemons are blue whatever their class. */
  public static String code(CleanupClass c, boolean recorded) {
    if (recorded) {
      return "34";
    }
    return switch (c) {
      case SAFE_AUTO -> "32";
      case OPERATOR_REQUIRED -> "33";
      case NEVER_TOUCH -> "31";
    };
  }

  String cls(CleanupClass c, boolean recorded) {
    return paint(code(c, recorded), recorded ? "recorded" : c.jsonName());
  }
}
