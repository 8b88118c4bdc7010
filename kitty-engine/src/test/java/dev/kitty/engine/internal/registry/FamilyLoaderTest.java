package dev.kitty.engine.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.api.PortRange;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.Rejection;
import dev.kitty.testkit.PluginJarBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drop-in jars, each in its own module layer; a bad one is rejected and the rest keep working. */
class FamilyLoaderTest {

  @TempDir Path dir;

  @Test
  void aDropInFamilyLoadsFromItsOwnLayer() {
    Path jar = PluginJarBuilder.family(dir.resolve("build"), "alpha", 5000, 5010);
    Path plugins = copyTo(dir.resolve("plugins"), jar);
    FamilyRegistry r = FamilyLoader.load(List.of(plugins), KittyConfig.EMPTY);
    FamilyInfo alpha =
        r.find("alpha").orElseThrow(() -> new AssertionError(r.rejected().toString()));
    assertEquals("plugin:" + plugins.resolve(jar.getFileName()).toAbsolutePath(), alpha.source());
    assertEquals(new PortRange(5000, 5010), alpha.range());
    assertEquals("test.family.alpha", alpha.module());
    assertTrue(alpha.family().getClass().getModule().getLayer() != ModuleLayer.boot());
  }

  @Test
  void anOverlappingJarIsRejectedWithTheExactMessageAndTheOthersLoad() {
    Path plugins = dir.resolve("plugins");
    copyTo(plugins, PluginJarBuilder.family(dir.resolve("b1"), "alpha", 5000, 5010));
    copyTo(plugins, PluginJarBuilder.family(dir.resolve("b2"), "beta", 5005, 5020));
    copyTo(plugins, PluginJarBuilder.family(dir.resolve("b3"), "gamma", 5010, 5020));
    FamilyRegistry r = FamilyLoader.load(List.of(plugins), KittyConfig.EMPTY);
    assertEquals(List.of("alpha", "gamma"), r.families().stream().map(FamilyInfo::id).toList());
    Rejection rej = r.rejected().getFirst();
    assertEquals("beta", rej.id());
    assertEquals("port range [5005, 5020) overlaps family alpha [5000, 5010)", rej.reason());
  }

  @Test
  void brokenJarsAreRejectedByNameAndNeverStopTheLoad() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.write(plugins.resolve("corrupt.jar"), new byte[] {'P', 'K', 3, 4, 9, 9, 9});
    Path noFamily =
        PluginJarBuilder.build(
            dir.resolve("b"),
            "nofamily",
            Map.of(
                "module-info.java",
                "module test.nofamily { requires dev.kitty.api; }",
                "x/Y.java",
                "package x; public class Y {}"));
    copyTo(plugins, noFamily);
    Path greedy =
        PluginJarBuilder.build(
            dir.resolve("g"),
            "greedy",
            Map.of(
                "module-info.java",
                "module test.greedy { requires dev.kitty.api; requires java.sql; }",
                "g/G.java",
                "package g; public class G {}"));
    copyTo(plugins, greedy);
    copyTo(plugins, PluginJarBuilder.family(dir.resolve("ok"), "okay", 6000, 6001));
    FamilyRegistry r =
        FamilyLoader.load(List.of(plugins, dir.resolve("does-not-exist")), KittyConfig.EMPTY);
    assertEquals(List.of("okay"), r.families().stream().map(FamilyInfo::id).toList());
    assertEquals(3, r.rejected().size(), r.rejected().toString());
    assertReason(r, plugins.resolve("corrupt.jar"), "not a readable module jar");
    // Named as the user's jar, not kitty's private copy: the same jar is the same rejection.
    String corrupt =
        r.rejected().stream()
            .filter(x -> x.source().endsWith("corrupt.jar"))
            .findFirst()
            .orElseThrow()
            .reason();
    assertFalse(corrupt.contains("kitty-family-"), corrupt);
    assertEquals(
        r.rejected(),
        FamilyLoader.load(List.of(plugins, dir.resolve("does-not-exist")), KittyConfig.EMPTY)
            .rejected(),
        "a second look says the same");
    assertReason(r, plugins.resolve("nofamily.jar"), "the jar provides no dev.kitty.api.Family");
    assertReason(
        r,
        plugins.resolve("greedy.jar"),
        "module test.greedy requires java.sql; a drop-in family may require only dev.kitty.api and java.base");
  }

  @Test
  void aDropInThatCouldSignalProcessesIsRefused() {
    Path plugins = dir.resolve("plugins");
    copyTo(
        plugins,
        PluginJarBuilder.family(
            dir.resolve("k"),
            "killer",
            7200,
            7210,
            "ctx.process().ifPresent(p -> ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroy));\n"
                + "return Identity.neverTouch(\"x\");"));
    FamilyRegistry r = FamilyLoader.load(List.of(plugins), KittyConfig.EMPTY);
    assertEquals(List.of(), r.families());
    assertEquals(
        "the jar references a way to signal processes (test/family/killer/TestFamily: java/lang/ProcessHandle.destroy); families describe, only kitty's engine signals",
        r.rejected().getFirst().reason());
  }

  @Test
  void aFamilyWhoseIdIsInvalidOrTakenIsRejected() {
    Path plugins = dir.resolve("plugins");
    copyTo(plugins, PluginJarBuilder.family(dir.resolve("a"), "dup", 7000, 7001));
    Path second = dir.resolve("other");
    copyTo(second, PluginJarBuilder.family(dir.resolve("b"), "dup", 7100, 7101));
    FamilyRegistry r = FamilyLoader.load(List.of(plugins, second), KittyConfig.EMPTY);
    assertEquals(1, r.families().size());
    assertTrue(
        r.rejected()
            .getFirst()
            .reason()
            .startsWith("id \"dup\" is already used by family dup (plugin:"),
        r.rejected().toString());
  }

  @Test
  void aConfigOverrideMovesARangeAndIsValidatedTheSameWay() {
    Path plugins = dir.resolve("plugins");
    copyTo(plugins, PluginJarBuilder.family(dir.resolve("a"), "alpha", 5000, 5010));
    copyTo(plugins, PluginJarBuilder.family(dir.resolve("b"), "beta", 5100, 5110));
    Path cfg = dir.resolve("config.json");
    KittyConfig moved = new KittyConfig(cfg, Map.of("beta", new PortRange(5200, 5210)));
    assertEquals(
        new PortRange(5200, 5210),
        FamilyLoader.load(List.of(plugins), moved).find("beta").orElseThrow().range());
    KittyConfig clash =
        new KittyConfig(
            cfg, Map.of("beta", new PortRange(5005, 5015), "ghost", new PortRange(1, 2)));
    FamilyRegistry r = FamilyLoader.load(List.of(plugins), clash);
    assertEquals(List.of("alpha"), r.families().stream().map(FamilyInfo::id).toList());
    assertEquals(
        "config "
            + cfg
            + " moves it to [5005, 5015): port range [5005, 5015) overlaps family alpha [5000, 5010)",
        r.rejected().getFirst().reason());
    assertEquals(
        "config overrides family ghost, which is not loaded", r.rejected().get(1).reason());
  }

  private static void assertReason(FamilyRegistry r, Path jar, String reason) {
    String source = "plugin:" + jar.toAbsolutePath();
    Rejection rej =
        r.rejected().stream()
            .filter(x -> x.source().equals(source))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("no rejection for " + source + " in " + r.rejected()));
    assertTrue(rej.reason().startsWith(reason), rej.reason());
  }

  private static Path copyTo(Path folder, Path jar) {
    try {
      Files.createDirectories(folder);
      Files.copy(jar, folder.resolve(jar.getFileName()));
      return folder;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
