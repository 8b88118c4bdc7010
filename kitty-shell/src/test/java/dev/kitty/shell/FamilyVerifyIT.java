package dev.kitty.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.testkit.PluginJarBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code kitty family verify JAR} (ADR 35): the kit loaded beside the shell, run on real jars — the
 * example family passes, a family built here that says safe_auto for anything fails with a
 * counterexample, and a jar kitty would refuse gives no family.
 */
class FamilyVerifyIT {

  @TempDir Path home;

  private KittyRun.Result kitty(String... args) {
    return KittyRun.run(KittyRun.env(home), args);
  }

  private static Path exampleJar() throws Exception {
    try (Stream<Path> jars = Files.list(Path.of(System.getProperty("kitty.sample.plugin.dir")))) {
      return jars.filter(p -> p.getFileName().toString().endsWith(".jar"))
          .findFirst()
          .orElseThrow();
    }
  }

  @Test
  void theExampleFamilyKeepsEveryRule() throws Exception {
    KittyRun.Result r = kitty("family", "verify", exampleJar().toString(), "--examples", "30");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("family jupyter [8888, 8900): 6 rules"), r.out());
    assertTrue(r.out().contains("verdict: safe"), r.out());
    assertFalse(r.out().contains("FAIL"), r.out());

    JsonNode doc =
        kitty("--json", "family", "verify", exampleJar().toString(), "--examples", "10").json();
    assertTrue(doc.get("passed").asBoolean(), doc.toString());
    assertEquals(6, doc.get("families").get(0).get("checks").size(), doc.toString());
  }

  @Test
  void aFamilyThatSaysSafeAutoForAnythingFailsWithACounterexample() throws Exception {
    Path jar =
        PluginJarBuilder.family(
            home.resolve("build"),
            "reckless",
            8800,
            8810,
            "return Identity.safeAuto(IdentitySource.PROCESS_SHAPE, java.util.Map.of(\"port\","
                + " ctx.listener().port()));",
            "0.1.0");
    KittyRun.Result r = kitty("family", "verify", jar.toString(), "--examples", "20");
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("FAIL  a third party's listener is never safe_auto"), r.out());
    assertTrue(r.out().contains("counterexample: THIRD_PARTY [port 88"), r.out());
    assertTrue(r.out().contains("verdict: NOT safe"), r.out());
    // The engine's own rules hold with it loaded: another user's process is never safe_auto.
    assertTrue(r.out().contains("PASS  another user's process is never safe_auto"), r.out());
    JsonNode doc = kitty("--json", "family", "verify", jar.toString(), "--examples", "5").json();
    assertFalse(doc.get("passed").asBoolean());
  }

  @Test
  void aJarKittyWouldRefuseGivesNoFamilyAndBadOptionsAreUsageErrors() throws Exception {
    Path junk = Files.writeString(home.resolve("junk.jar"), "not a zip");
    KittyRun.Result r = kitty("family", "verify", junk.toString());
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(
        r.out().contains("rejected plugin:" + junk + ": not a readable module jar"), r.out());
    assertTrue(r.out().contains("gives no family that kitty would load"), r.out());
    assertEquals(2, kitty("family", "verify", home.resolve("nope.jar").toString()).code());
    assertEquals(2, kitty("family", "verify", exampleJar().toString(), "--examples", "0").code());
    JsonNode doc = kitty("--json", "family", "verify", junk.toString()).json();
    assertEquals(1, doc.get("rejected").size(), doc.toString());
    // Checked beside the built-ins, as a drop-in is: a range inside the dashboard's is refused.
    Path clash = PluginJarBuilder.family(home.resolve("clash"), "clash", 9240, 9245);
    KittyRun.Result c = kitty("family", "verify", clash.toString());
    assertEquals(2, c.code(), c.out() + c.err());
    assertTrue(c.out().contains("overlaps family dashboard"), c.out());
  }
}
