package dev.kitty.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The SPI's compatibility rule needs to know when each part came (ADR 34): every type, method,
 * constructor, field and constant of {@code dev.kitty.api} is documented, and every comment says
 * {@code @since}.
 */
class SinceTest {

  private static final Path SPI = Path.of("src/main/java/dev/kitty/api");

  /** A member or type declaration at the top level or one level in. */
  private static final Pattern DECLARATION =
      Pattern.compile(
          "^( {0,2}+)(public |default |static |protected )?(?!return |throw |if |for |while |else"
              + " |new |super|this|case |try|catch|private )[\\w<>\\[\\], ?.@]+\\s+\\w+\\s*[({=;].*$");

  @Test
  void everyPartOfTheSpiIsDocumentedWithItsSince() throws IOException {
    List<String> missing = new ArrayList<>();
    try (var files = Files.list(SPI)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        String text = Files.readString(f);
        Matcher doc = Pattern.compile("/\\*\\*(.*?)\\*/", Pattern.DOTALL).matcher(text);
        while (doc.find()) {
          if (!doc.group(1).contains("@since")) {
            int line = text.substring(0, doc.start()).split("\n", -1).length;
            missing.add(f.getFileName() + ":" + line + " a comment without @since");
          }
        }
        List<String> lines = text.lines().toList();
        int depth = 0;
        for (int i = 0; i < lines.size(); i++) {
          String l = lines.get(i);
          if (depth <= 1
              && DECLARATION.matcher(l).matches()
              && !l.startsWith("package ")
              && !l.startsWith("import ")) {
            int j = i - 1;
            boolean override = false;
            while (j >= 0 && lines.get(j).strip().startsWith("@")) {
              override |= lines.get(j).strip().equals("@Override"); // documented where declared
              j--; // annotations
            }
            if (!override && (j < 0 || !lines.get(j).strip().endsWith("*/"))) {
              missing.add(f.getFileName() + ":" + (i + 1) + " undocumented: " + l.strip());
            }
          }
          for (char c : l.toCharArray()) {
            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
          }
        }
      }
    }
    assertEquals(List.of(), missing);
  }
}
