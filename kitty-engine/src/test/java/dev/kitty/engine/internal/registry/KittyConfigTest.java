package dev.kitty.engine.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kitty.api.PortRange;
import dev.kitty.engine.KittyException;
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
      {"{\"famlies\": {}}", "unknown key \"famlies\" (known: families)"},
      {
        "{\"families\": {\"sync\": {\"port_range\": {\"from\": \"x\", \"to\": 2}}}}",
        "families.sync.port_range needs integer \"from\" and \"to\""
      },
      {
        "{\"families\": {\"sync\": {\"port_range\": {\"from\": 10, \"to\": 5}}}}",
        "families.sync: port range [10, 5) is invalid"
      },
      {"{\"families\": {\"sync\": 3}}", "families.sync must be {\"port_range\""},
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
}
