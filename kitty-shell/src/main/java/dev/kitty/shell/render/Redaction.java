package dev.kitty.shell.render;

import java.io.IOException;
import java.io.Writer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --redact}: what looks like a secret in kitty's output is masked, line by line, before it
 * is written (ADR 27). kitty's reports quote command lines, environments and health answers, and
 * daemons put their tokens there (spec-kitty passes its dashboard's token as an argument of {@code
 * run_dashboard_server(…)}); the dashboard's page shows only redacted documents.
 *
 * <p>The rule errs on the side of masking: a value after a secret-named key ({@code --token=V},
 * {@code --password V}, {@code "api_key": "V"}), any word of 32 or more hex digits, and any word of
 * 40 or more base64 characters that mixes upper case, lower case and digits, and the visible start
 * of a long word that a text report cut short. A masked value becomes {@value #MASK}; quotes and
 * backslashes are never part of a match, so a JSON document stays valid.
 */
public final class Redaction {

  static final String MASK = "<redacted>";

  /** The names of secrets: a key that contains one of these words is a secret's key. */
  private static final String SECRET_NAME =
      "[A-Za-z0-9_.-]*(?:token|passw(?:or)?d|secret|api[_-]?key|credential|private[_-]?key)"
          + "[A-Za-z0-9_.-]*";

  private static final String VALUE = "([^\\s\"'\\\\,;&()<>{}\\[\\]]{4,})";

  /** {@code KEY=V}, {@code KEY: V}, {@code "KEY": "V"}. */
  private static final Pattern ASSIGNED =
      Pattern.compile("(?i)((?<![A-Za-z0-9_.-])" + SECRET_NAME + ")(\"?\\s*[=:]\\s*\"?)" + VALUE);

  /** A flag and its value: {@code --KEY V} in a command line, {@code "--KEY", "V"} in JSON. */
  private static final Pattern FLAG =
      Pattern.compile(
          "(?i)((?<![A-Za-z0-9_.-])--?" + SECRET_NAME + ")(\"\\s*,\\s*\"|\\s+)" + VALUE);

  /**
   * {@code Authorization: Bearer V} (also {@code token}, {@code Basic}): a header or an argument.
   */
  private static final Pattern AUTHORIZATION =
      Pattern.compile("(?i)(authorization\"?\\s*[:=]?\\s*\"?(?:bearer|token|basic)\\s+)()" + VALUE);

  /** An unquoted JSON value: masking it would make the document invalid, and it is no secret. */
  private static final Pattern JSON_LITERAL = Pattern.compile("true|false|null|-?[0-9.eE+-]+");

  /** Before a word: no word character or backslash, unless that is a JSON escape such as \\n. */
  private static final String WORD_START = "(?:(?<![A-Za-z0-9_\\\\])|(?<=\\\\[nrtbf]))";

  private static final Pattern HEX =
      Pattern.compile(WORD_START + "[0-9a-fA-F]{32,}(?![A-Za-z0-9_])");

  private static final Pattern BASE64 =
      Pattern.compile(
          "(?:(?<![A-Za-z0-9_+\\\\-])|(?<=\\\\[nrtbf]))[A-Za-z0-9_+-]{40,}={0,2}(?![A-Za-z0-9_+-])");

  /**
   * A word that a text report cut short (it ends in {@code …}): too short now for the rules above,
   * yet the start of what may be a token, so its visible part is masked.
   */
  private static final Pattern CUT =
      Pattern.compile(
          "(?:(?<![A-Za-z0-9_+\\\\-])|(?<=\\\\[nrtbf]))(?:[0-9a-fA-F]{8,}|[A-Za-z0-9_+-]{16,})…");

  private Redaction() {}

  /** {@code line} with every secret-looking value masked. */
  static String redact(String line) {
    if (line.length() < 4) {
      return line;
    }
    String out = maskKeyed(line);
    out = HEX.matcher(out).replaceAll(MASK);
    out = CUT.matcher(out).replaceAll(Matcher.quoteReplacement(MASK + "…"));
    Matcher b = BASE64.matcher(out);
    StringBuilder sb = new StringBuilder();
    while (b.find()) {
      String word = b.group();
      boolean mixed =
          word.chars().anyMatch(Character::isUpperCase)
              && word.chars().anyMatch(Character::isLowerCase)
              && word.chars().anyMatch(Character::isDigit);
      b.appendReplacement(sb, Matcher.quoteReplacement(mixed ? MASK : word));
    }
    b.appendTail(sb);
    return sb.toString();
  }

  private static String maskKeyed(String line) {
    return maskValues(AUTHORIZATION, maskValues(FLAG, maskValues(ASSIGNED, line)));
  }

  private static String maskValues(Pattern p, String line) {
    Matcher m = p.matcher(line);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      // Only a JSON key's unquoted value ("key": true) may be a literal; after = or a flag, a
      // number is a value like any other (--password 98765432).
      boolean jsonUnquoted = m.group(2).matches("\"\\s*:\\s*");
      String value = m.group(3);
      String kept = jsonUnquoted && JSON_LITERAL.matcher(value).matches() ? value : MASK;
      m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + m.group(2) + kept));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** A writer that redacts each line written through it before passing it on. */
  public static Writer writer(Writer target) {
    return new Writer() {
      private final StringBuilder line = new StringBuilder();

      @Override
      public void write(char[] cbuf, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
          char c = cbuf[i];
          line.append(c);
          if (c == '\n') {
            target.write(redact(line.toString()));
            line.setLength(0);
          }
        }
      }

      @Override
      public void flush() throws IOException {
        // A partial line is written on flush: the shell's prompt and progress lines have no '\n'.
        if (!line.isEmpty()) {
          target.write(redact(line.toString()));
          line.setLength(0);
        }
        target.flush();
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };
  }
}
