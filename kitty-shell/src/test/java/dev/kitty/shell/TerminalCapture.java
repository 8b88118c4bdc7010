package dev.kitty.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A screen read from tmux ({@code capture-pane -e}) turned into the files the docs show: the plain
 * text, and an HTML page with the terminal's colours (for a screenshot). Only the SGR sequences
 * kitty and tmux emit are understood — colours 30–37/90–97 (foreground), 40–47 (background), bold,
 * dim, reset — others are dropped, so an unexpected sequence costs a colour, never the text.
 */
final class TerminalCapture {

  private static final Pattern SGR = Pattern.compile("\u001b\\[([0-9;]*)m");
  private static final Pattern OTHER_ESCAPE =
      Pattern.compile("\u001b(\\[[0-9;?]*[A-Za-ln-z]|\\(B)");
  private static final String[] PALETTE = {
    "#2e3436", "#cc0000", "#4e9a06", "#c4a000", "#3465a4", "#75507b", "#06989a", "#d3d7cf"
  };

  private TerminalCapture() {}

  /** The text without escape sequences, trailing blank lines dropped. */
  static String plain(String ansi) {
    return OTHER_ESCAPE.matcher(SGR.matcher(ansi).replaceAll("")).replaceAll("").stripTrailing()
        + "\n";
  }

  /** An HTML page showing the capture as the terminal did: monospace, dark, coloured. */
  static String html(String title, String ansi) {
    StringBuilder out = new StringBuilder();
    out.append("<!doctype html><meta charset=\"utf-8\"><title>")
        .append(escape(title))
        .append("</title><body style=\"margin:0;background:#1e1e1e\"><pre style=\"margin:0;")
        .append("padding:12px;color:#d3d7cf;font:14px/1.25 'DejaVu Sans Mono',monospace\">");
    String text = OTHER_ESCAPE.matcher(ansi.stripTrailing()).replaceAll("");
    Matcher m = SGR.matcher(text);
    int at = 0;
    boolean open = false;
    String fg = null;
    String bg = null;
    boolean bold = false;
    boolean dim = false;
    while (m.find()) {
      out.append(escape(text.substring(at, m.start())));
      at = m.end();
      for (String part : (m.group(1).isEmpty() ? "0" : m.group(1)).split(";")) {
        int code = part.isEmpty() ? 0 : Integer.parseInt(part);
        if (code == 0) {
          fg = bg = null;
          bold = dim = false;
        } else if (code == 1) {
          bold = true;
        } else if (code == 2) {
          dim = true;
        } else if (code == 22) {
          bold = dim = false;
        } else if (code >= 30 && code <= 37) {
          fg = PALETTE[code - 30];
        } else if (code >= 90 && code <= 97) {
          fg = PALETTE[code - 90];
        } else if (code == 39) {
          fg = null;
        } else if (code >= 40 && code <= 47) {
          bg = PALETTE[code - 40];
        } else if (code == 49) {
          bg = null;
        }
      }
      if (open) {
        out.append("</span>");
      }
      out.append("<span style=\"")
          .append(fg == null ? "" : "color:" + fg + ";")
          .append(bg == null ? "" : "background:" + bg + ";")
          .append(bold ? "font-weight:bold;" : "")
          .append(dim ? "opacity:0.6;" : "")
          .append("\">");
      open = true;
    }
    out.append(escape(text.substring(at)));
    if (open) {
      out.append("</span>");
    }
    return out.append("</pre></body>\n").toString();
  }

  /** Writes {@code NAME.txt} and {@code NAME.html} into {@code dir}; answers the HTML file. */
  static Path write(Path dir, String name, String ansi) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(name + ".txt"), plain(ansi));
    Path page = dir.resolve(name + ".html");
    Files.writeString(page, html("kitty " + name, ansi));
    return page;
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
