package dev.kitty.shell.command;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The project {@code kitty family new ID} writes (ADR 35): the smallest family that is safe as it
 * stands (it says {@code operator_required} for its own daemon, never {@code safe_auto}, until its
 * author adds proof), with a test that runs the family test kit. The plugin versions are the ones
 * kitty's own build uses, so a machine that built kitty builds it offline; {@code FamilyNewIT}
 * builds one.
 */
final class FamilyProject {

  /** A family id that is also a Java package name and an artifact id. */
  private static final Pattern ID = Pattern.compile("[a-z][a-z0-9]{0,30}");

  /** Java's keywords and literals, which cannot name a package (JLS 3.9). */
  private static final java.util.Set<String> KEYWORDS =
      java.util.Set.of(
          "abstract",
          "assert",
          "boolean",
          "break",
          "byte",
          "case",
          "catch",
          "char",
          "class",
          "const",
          "continue",
          "default",
          "do",
          "double",
          "else",
          "enum",
          "extends",
          "final",
          "finally",
          "float",
          "for",
          "goto",
          "if",
          "implements",
          "import",
          "instanceof",
          "int",
          "interface",
          "long",
          "native",
          "new",
          "package",
          "private",
          "protected",
          "public",
          "return",
          "short",
          "static",
          "strictfp",
          "super",
          "switch",
          "synchronized",
          "this",
          "throw",
          "throws",
          "transient",
          "try",
          "void",
          "volatile",
          "while",
          "true",
          "false",
          "null",
          "var",
          "yield",
          "record",
          "sealed",
          "permits",
          "when",
          "module",
          "open",
          "exports",
          "requires",
          "opens",
          "uses",
          "provides",
          "to",
          "with",
          "transitive");

  private static final Pattern RANGE = Pattern.compile("(\\d{1,5})-(\\d{1,5})");

  private FamilyProject() {}

  /**
   * Writes the project into {@code dir} (which must not exist or be empty) and returns the files,
   * relative to it.
   *
   * @throws IllegalArgumentException for a bad id or range, or a folder that is not empty
   */
  static List<Path> write(Path dir, String id, String range, String kittyVersion)
      throws IOException {
    if (id == null || !ID.matcher(id).matches() || KEYWORDS.contains(id)) {
      throw new IllegalArgumentException(
          "family id \""
              + id
              + "\" is invalid: lower-case letters and digits, a letter first, not a Java keyword"
              + " (it names the package)");
    }
    var r = RANGE.matcher(range);
    if (!r.matches()) {
      throw new IllegalArgumentException("--range " + range + " is not FROM-TO (e.g. 8700-8710)");
    }
    int from = Integer.parseInt(r.group(1));
    int to = Integer.parseInt(r.group(2));
    if (from < 1 || to > 65_536 || from >= to) {
      throw new IllegalArgumentException(
          "--range " + range + ": FROM must be at least 1, TO at most 65536 and above FROM");
    }
    if (Files.exists(dir)) {
      try (var entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalArgumentException(
              dir + " is not empty: kitty family new writes only into a new folder");
        }
      }
    }
    String type = id.substring(0, 1).toUpperCase(Locale.ROOT) + id.substring(1) + "Family";
    String pkg = "dev.kitty.family." + id;
    String path = pkg.replace('.', '/');
    Map<String, String> files = new LinkedHashMap<>();
    files.put("pom.xml", pom(id, kittyVersion));
    files.put("src/main/java/module-info.java", moduleInfo(pkg, type));
    files.put("src/main/java/" + path + "/" + type + ".java", family(pkg, type, id, from, to));
    files.put("src/test/java/" + path + "/" + type + "KitTest.java", kitTest(pkg, type, id));
    files.put("README.md", readme(id, type));
    List<Path> written = new ArrayList<>();
    for (var f : files.entrySet()) {
      Path to2 = dir.resolve(f.getKey());
      Files.createDirectories(to2.getParent());
      try {
        Files.writeString(to2, f.getValue(), java.nio.file.StandardOpenOption.CREATE_NEW);
      } catch (FileAlreadyExistsException e) {
        throw new IllegalArgumentException(to2 + " exists already");
      }
      written.add(Path.of(f.getKey()));
    }
    return written;
  }

  private static String pom(String id, String kittyVersion) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <project xmlns="http://maven.apache.org/POM/4.0.0"
                 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                 xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
          <modelVersion>4.0.0</modelVersion>
          <groupId>dev.kitty.family</groupId>
          <artifactId>family-%1$s</artifactId>
          <version>0.1.0</version>
          <description>A kitty daemon family: drop the jar into ~/.config/kitty/families.</description>

          <properties>
            <maven.compiler.release>25</maven.compiler.release>
            <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
            <kitty.version>%2$s</kitty.version>
          </properties>

          <dependencies>
            <!-- provided: kitty's engine supplies the API; the jar carries only the family. -->
            <dependency>
              <groupId>dev.kitty</groupId>
              <artifactId>kitty-api</artifactId>
              <version>${kitty.version}</version>
              <scope>provided</scope>
            </dependency>
            <!-- The family test kit: generated worlds through kitty's own classification. -->
            <dependency>
              <groupId>dev.kitty</groupId>
              <artifactId>kitty-testkit</artifactId>
              <version>${kitty.version}</version>
              <scope>test</scope>
            </dependency>
            <dependency>
              <groupId>org.junit.jupiter</groupId>
              <artifactId>junit-jupiter</artifactId>
              <version>6.1.3</version>
              <scope>test</scope>
            </dependency>
          </dependencies>

          <build>
            <plugins>
              <plugin>
                <artifactId>maven-compiler-plugin</artifactId>
                <version>3.16.0</version>
              </plugin>
              <plugin>
                <artifactId>maven-surefire-plugin</artifactId>
                <version>3.6.1</version>
              </plugin>
              <plugin>
                <artifactId>maven-jar-plugin</artifactId>
                <version>3.5.0</version>
              </plugin>
              <plugin>
                <artifactId>maven-resources-plugin</artifactId>
                <version>3.3.1</version>
              </plugin>
              <plugin>
                <artifactId>maven-install-plugin</artifactId>
                <version>3.1.4</version>
              </plugin>
              <plugin>
                <artifactId>maven-clean-plugin</artifactId>
                <version>3.5.0</version>
              </plugin>
            </plugins>
          </build>
        </project>
        """
        .formatted(id, kittyVersion);
  }

  private static String moduleInfo(String pkg, String type) {
    return """
        /** A kitty daemon family: requires only the API, provides one Family. */
        module %1$s {
          requires dev.kitty.api;

          provides dev.kitty.api.Family with
              %1$s.%2$s;
        }
        """
        .formatted(pkg, type);
  }

  private static String family(String pkg, String type, String id, int from, int to) {
    return """
        package %1$s;

        import dev.kitty.api.Family;
        import dev.kitty.api.HttpAnswer;
        import dev.kitty.api.Identity;
        import dev.kitty.api.IdentitySource;
        import dev.kitty.api.PortRange;
        import dev.kitty.api.ProbeContext;
        import dev.kitty.api.ProcessView;
        import java.util.Map;

        /**
         * The %3$s daemons: a process whose command line names %3$s and whose {@code GET /health}
         * answers {@code {"service": "%3$s", "pid": PID, "port": PORT}} for the process and port
         * kitty sees. Proven that way it is the operator's to stop ({@code operator_required});
         * {@code safe_auto} needs proof that it is stale (a record naming another daemon, a
         * project that is gone), which only you know how to read.
         */
        public final class %2$s implements Family {

          @Override
          public String id() {
            return "%3$s";
          }

          @Override
          public String description() {
            return "%3$s daemons";
          }

          @Override
          public PortRange defaultRange() {
            return new PortRange(%4$d, %5$d);
          }

          @Override
          public Identity identify(ProbeContext ctx) {
            ProcessView p = ctx.process().orElse(null);
            if (p == null || p.args().stream().noneMatch(a -> a.contains("%3$s"))) {
              return Identity.neverTouch("its command line does not name %3$s");
            }
            HttpAnswer health = ctx.httpGet("/health");
            Map<String, Object> h = health.okJson() ? health.json() : Map.of();
            boolean proven =
                "%3$s".equals(h.get("service"))
                    && h.get("pid") instanceof Number pid
                    && pid.longValue() == p.pid()
                    && h.get("port") instanceof Number port
                    && port.intValue() == ctx.listener().port();
            if (!proven) {
              return Identity.neverTouch(
                  "its /health does not name this process and port: "
                      + (health.error() != null ? health.error() : health.body()));
            }
            return Identity.operatorRequired(
                IdentitySource.HEALTH, "a %3$s daemon kitty did not start", Map.of("pid", p.pid()));
          }
        }
        """
        .formatted(pkg, type, id, from, to);
  }

  private static String kitTest(String pkg, String type, String id) {
    return """
        package %1$s;

        import dev.kitty.familykit.FamilySample;
        import dev.kitty.familykit.FamilyVerifier;
        import dev.kitty.familykit.junit.FamilyKitExtension;
        import java.util.List;
        import java.util.Map;
        import org.junit.jupiter.api.Test;
        import org.junit.jupiter.api.extension.ExtendWith;

        /**
         * The family test kit: worlds of third parties, look-alikes of the sample below, other
         * users, hostile answers and the range's edges, each scanned by kitty's own classification.
         * Write the sample as your daemon really runs and answers ({port} and {pid} are the world's).
         */
        @ExtendWith(FamilyKitExtension.class)
        class %2$sKitTest {

          static final FamilySample DAEMON =
              new FamilySample(
                  List.of("%3$sd", "--port", "{port}"),
                  Map.of("/health", "{\\"service\\": \\"%3$s\\", \\"pid\\": {pid}, \\"port\\": {port}}"));

          @Test
          void keepsEveryRuleOfTheKit(FamilyVerifier kit) {
            kit.verify(new %2$s(), List.of(DAEMON)).assertPassed();
          }
        }
        """
        .formatted(pkg, type, id);
  }

  private static String readme(String id, String type) {
    return """
        # family-%1$s

        A kitty daemon family, written by `kitty family new %1$s`.

        - `mvn verify` builds `target/family-%1$s-0.1.0.jar` and runs the family test kit
          (`%2$sKitTest`): the build fails, naming the rule and a shrunk counterexample,
          if the family could ever make kitty stop what is not provably its stale daemon.
        - `kitty family verify target/family-%1$s-0.1.0.jar` runs the kit's rules on the jar
          alone (without the test's sample, so its look-alikes are generic).
        - `cp target/family-%1$s-0.1.0.jar ~/.config/kitty/families/`: kitty loads it; a
          running kitty shell says `family %1$s 0.1.0 loaded from …` at once.
        """
        .formatted(id, type);
  }
}
