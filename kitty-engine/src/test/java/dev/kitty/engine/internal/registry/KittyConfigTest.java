package dev.kitty.engine.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kitty.api.PortRange;
import dev.kitty.engine.model.KittyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KittyConfigTest {

  @TempDir Path dir;

  @Test
  void readsRangeOverrides() throws Exception {
    Path f = dir.resolve("config.json");
    Files.writeString(
        f, "{\"families\": {\"dashboard\": {\"port_range\": {\"from\": 9500, \"to\": 9600}}}}");
    assertEquals(
        Map.of("dashboard", new PortRange(9500, 9600)), KittyConfig.read(f, true).rangeOverrides());
  }

  @Test
  void readsTheEnvironmentFamiliesSee() throws Exception {
    Path f = dir.resolve("config.json");
    Files.writeString(f, "{\"environment\": {\"SPEC_KITTY_HOME\": \"/srv/sk\"}}");
    assertEquals(Map.of("SPEC_KITTY_HOME", "/srv/sk"), KittyConfig.read(f, true).environment());
  }

  @Test
  void aMissingDefaultConfigIsEmptyButANamedOneIsAnError() {
    Path f = dir.resolve("absent.json");
    assertEquals(Map.of(), KittyConfig.read(f, false).rangeOverrides());
    KittyException e = assertThrows(KittyException.class, () -> KittyConfig.read(f, true));
    assertEquals("config " + f + ": no such file", e.getMessage());
    assertEquals(2, e.exitCode());
  }

  @Test
  void malformedConfigsNameTheFileAndTheFault() throws Exception {
    Path f = dir.resolve("bad.json");
    String[][] cases = {
      {"{not json", "not valid JSON"},
      {"[1]", "the top level must be a JSON object"},
      {"{\"famlies\": {}}", "unknown key \"famlies\" (known: families, environment)"},
      {
        "{\"families\": {\"sync\": {\"port_range\": {\"from\": \"x\", \"to\": 2}}}}",
        "families.sync.port_range needs integer \"from\" and \"to\""
      },
      {
        "{\"families\": {\"sync\": {\"port_range\": {\"from\": 10, \"to\": 5}}}}",
        "families.sync: port range [10, 5) is invalid"
      },
      {"{\"families\": {\"sync\": 3}}", "families.sync must be {\"port_range\""},
      {"{\"environment\": []}", "\"environment\" must be an object"},
      {
        "{\"environment\": {\"SPEC_KITTY_HOME\": 3}}",
        "environment.SPEC_KITTY_HOME must be a string"
      },
    };
    for (String[] c : cases) {
      Files.writeString(f, c[0]);
      KittyException e =
          assertThrows(KittyException.BadInput.class, () -> KittyConfig.read(f, true), c[0]);
      String expected = "config " + f + ": " + c[1];
      if (!e.getMessage().startsWith(expected)) {
        throw new AssertionError(
            "for "
                + c[0]
                + ": expected a message starting with <"
                + expected
                + "> but got <"
                + e.getMessage()
                + ">");
      }
    }
  }

  @Test
  void anyConfigTextIsReadOrRefusedNamingTheFileNothingElse() {
    Path f = dir.resolve("fuzz.json");
    String shape = "{\"families\": {\"dashboard\": {\"port_range\": {\"from\": 1, \"to\": 2}}}}";
    org.quicktheories.QuickTheory.qt()
        .withExamples(2000)
        .forAll(
            org.quicktheories.generators.SourceDSL.strings()
                .allPossible()
                .ofLengthBetween(0, 120)
                .mix(
                    org.quicktheories.generators.SourceDSL.integers()
                        .between(0, shape.length())
                        .zip(
                            org.quicktheories.generators.SourceDSL.strings()
                                .betweenCodePoints(0x20, 0x7e)
                                .ofLengthBetween(0, 8),
                            (at, junk) -> shape.substring(0, at) + junk + shape.substring(at))))
        .checkAssert(
            text -> {
              try {
                Files.write(f, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                KittyConfig.read(f, true);
              } catch (KittyException.BadInput e) {
                org.junit.jupiter.api.Assertions.assertTrue(
                    e.getMessage().contains(f.toString()), "names the file: " + e.getMessage());
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
  }
}
