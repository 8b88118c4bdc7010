package dev.kitty.engine.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.engine.model.Rejection;
import dev.kitty.testkit.PluginJarBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API compatibility rule (ADR 34), and jars really compiled against other API versions: an API
 * module of that version is built here, a family compiled against it, and the loader refuses it by
 * the version javac recorded, before any of it is linked.
 */
class ApiCompatibilityTest {

  @TempDir Path dir;

  private static Optional<String> v(String s) {
    return Optional.ofNullable(s);
  }

  @Test
  void theRuleOnMajorAndMinor() {
    assertTrue(ApiCompatibility.problem("m", v("1.2.0"), v("1.4.1")).isEmpty(), "older minor");
    assertTrue(ApiCompatibility.problem("m", v("1.4.9"), v("1.4.0-SNAPSHOT")).isEmpty(), "patch");
    assertTrue(ApiCompatibility.problem("m", v("1.5.0"), v("1.4.0")).isPresent(), "newer minor");
    assertTrue(ApiCompatibility.problem("m", v("2.0.0"), v("1.4.0")).isPresent(), "major");
    assertTrue(ApiCompatibility.problem("m", v("0.1.0"), v("0.2.0")).isPresent(), "0.x minor");
    assertTrue(ApiCompatibility.problem("m", v("0.1.3"), v("0.1.0-SNAPSHOT")).isEmpty());
    assertTrue(ApiCompatibility.problem("m", v(null), v("0.1.0")).isEmpty(), "unknown: taken");
    assertEquals(
        "module m was built for dev.kitty.api 1.5.0; this kitty's API is 1.4.0 (it may call what"
            + " this older API does not have)",
        ApiCompatibility.problem("m", v("1.5.0"), v("1.4.0")).orElseThrow());
  }

  /** An API module {@code dev.kitty.api} of {@code version} with a Family interface. */
  private Path api(String version) throws java.io.IOException {
    Path nothing = Files.createDirectories(dir.resolve("empty"));
    return PluginJarBuilder.build(
        dir.resolve("api-" + version),
        "kitty-api-" + version,
        Map.of(
            "module-info.java",
            "module dev.kitty.api { exports dev.kitty.api; }",
            "dev/kitty/api/Family.java",
            "package dev.kitty.api; public interface Family { String id(); }"),
        version,
        nothing.toString()); // nothing else on its module path
  }

  private Path familyAgainst(Path api, String id) {
    return PluginJarBuilder.build(
        dir.resolve("fam-" + id),
        id,
        Map.of(
            "module-info.java",
            "module test."
                + id
                + " { requires dev.kitty.api; provides dev.kitty.api.Family with"
                + " test."
                + id
                + ".F; }",
            "test/" + id + "/F.java",
            "package test."
                + id
                + "; public final class F implements dev.kitty.api.Family {"
                + " public String id() { return \""
                + id
                + "\"; } }"),
        "1.0.0",
        api.toString());
  }

  @Test
  void aJarBuiltForAnotherApiIsRefusedWithTheExactReason() throws Exception {
    String running = ApiCompatibility.running().orElse(null);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        running != null, "the API module has no version here (class path)");
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.copy(familyAgainst(api("9.0.0"), "future"), plugins.resolve("future.jar"));
    Files.copy(
        PluginJarBuilder.family(dir.resolve("today"), "today", 5000, 5010),
        plugins.resolve("today.jar"));
    FamilyRegistry r = FamilyLoader.load(List.of(plugins), KittyConfig.EMPTY);
    Rejection rej =
        r.rejected().stream()
            .filter(x -> x.source().endsWith("future.jar"))
            .findFirst()
            .orElseThrow(() -> new AssertionError(r.rejected().toString()));
    assertEquals(
        "module test.future was built for dev.kitty.api 9.0.0; this kitty's API is "
            + running
            + " (a major version changes the SPI)",
        rej.reason());
    assertTrue(r.find("today").isPresent(), "one built for this API loads beside it");
  }
}
