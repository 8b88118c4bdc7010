package dev.kitty.testkit;

import dev.kitty.api.Family;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.spi.ToolProvider;

/**
 * Compiles a small family from source into a modular jar, for tests of the plugin loader: ranges
 * that overlap, ids that clash, probes that throw or hang, modules that require too much. Uses the
 * JDK's own {@code javac} and {@code jar} through {@link ToolProvider}.
 */
public final class PluginJarBuilder {

  private PluginJarBuilder() {}

  /**
   * Builds {@code dir/NAME.jar} from {@code sources} (path relative to the source root to content),
   * which must include {@code module-info.java}.
   */
  public static Path build(Path dir, String name, Map<String, String> sources) {
    return build(dir, name, sources, null);
  }

  /** As above, the module's version set to {@code version} (null: none). */
  public static Path build(Path dir, String name, Map<String, String> sources, String version) {
    return build(dir, name, sources, version, apiLocation());
  }

  /**
   * As above, compiled against the modules at {@code modulePath} instead of kitty's API (another
   * API version's jar, for the compatibility rule).
   */
  public static Path build(
      Path dir, String name, Map<String, String> sources, String version, String modulePath) {
    try {
      Path src = Files.createDirectories(dir.resolve(name + "-src"));
      Path classes = Files.createDirectories(dir.resolve(name + "-classes"));
      List<String> args =
          new ArrayList<>(List.of("--release", "25", "-d", classes.toString(), "-p", modulePath));
      for (var e : sources.entrySet()) {
        Path f = src.resolve(e.getKey());
        Files.createDirectories(f.getParent());
        Files.writeString(f, e.getValue());
        args.add(f.toString());
      }
      run("javac", args);
      Path jar = dir.resolve(name + ".jar");
      List<String> jarArgs = new ArrayList<>(List.of("--create", "--file", jar.toString()));
      if (version != null) {
        jarArgs.addAll(List.of("--module-version", version));
      }
      jarArgs.addAll(List.of("-C", classes.toString(), "."));
      run("jar", jarArgs);
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A jar with one family {@code id} on {@code [from, to)} whose probe body is {@code identifyBody}
   * (Java statements returning an {@code Identity}; {@code ctx} is the probe context).
   */
  public static Path family(Path dir, String id, int from, int to, String identifyBody) {
    return family(dir, id, from, to, identifyBody, null);
  }

  /** As above, with the module version {@code version} (the version {@code families} shows). */
  public static Path family(
      Path dir, String id, int from, int to, String identifyBody, String version) {
    String pkg = "test.family." + id.replace('-', '_');
    String module = "test.family." + id.replace('-', '_');
    String cls = "TestFamily";
    return build(
        dir,
        id + "-" + from + "-" + to + (version == null ? "" : "-" + version),
        Map.of(
            "module-info.java",
            "module "
                + module
                + " { requires dev.kitty.api; provides dev.kitty.api.Family with "
                + pkg
                + "."
                + cls
                + "; }",
            pkg.replace('.', '/') + "/" + cls + ".java",
            "package "
                + pkg
                + ";\n"
                + "import dev.kitty.api.*;\n"
                + "public final class "
                + cls
                + " implements Family {\n"
                + "  public String id() { return \""
                + id
                + "\"; }\n"
                + "  public String description() { return \"test family "
                + id
                + "\"; }\n"
                + "  public PortRange defaultRange() { return new PortRange("
                + from
                + ", "
                + to
                + "); }\n"
                + "  public Identity identify(ProbeContext ctx) {\n"
                + identifyBody
                + "\n  }\n"
                + "}\n"),
        version);
  }

  /** A family whose probe always says never_touch. */
  public static Path family(Path dir, String id, int from, int to) {
    return family(dir, id, from, to, "return Identity.neverTouch(\"test\");");
  }

  private static String apiLocation() {
    try {
      return Path.of(Family.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void run(String tool, List<String> args) {
    ToolProvider provider =
        ToolProvider.findFirst(tool)
            .orElseThrow(() -> new IllegalStateException("no " + tool + " in this JDK"));
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
    int rc = provider.run(ps, ps, args.toArray(String[]::new));
    if (rc != 0) {
      throw new IllegalStateException(
          tool + " failed (" + rc + "): " + buf.toString(StandardCharsets.UTF_8));
    }
  }
}
