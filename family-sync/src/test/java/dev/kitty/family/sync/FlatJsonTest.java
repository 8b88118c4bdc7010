package dev.kitty.family.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The flat JSON of markers, records and health answers: what it reads, and what it refuses. */
class FlatJsonTest {

  @Test
  void writesWhatItReadsBackIncludingEscapesAndNulls() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("s", "a \"quoted\" \\ back\nslash\t\u0001");
    m.put("n", 42L);
    m.put("neg", -7L);
    m.put("d", 1.5);
    m.put("t", true);
    m.put("f", false);
    m.put("z", null);
    assertEquals(m, FlatJson.parse(FlatJson.write(m)));
    assertEquals(Map.of("k", "é"), FlatJson.parse(" { \"k\" : \"\\u00e9\" } "));
  }

  @Test
  void refusesNestedValuesAndBrokenTextSayingWhere() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> FlatJson.parse("{\"a\":{\"b\":1}}"))
        .getMessage().startsWith("nested value"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> FlatJson.parse("{\"a\":1"))
        .getMessage().contains("unexpected end"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> FlatJson.parse("{\"a\":1} x"))
        .getMessage().contains("text after the object"));
    assertThrows(IllegalArgumentException.class, () -> FlatJson.parse("[1]"));
    assertThrows(IllegalArgumentException.class, () -> FlatJson.parse("{\"a\":tru}"));
    assertThrows(IllegalArgumentException.class, () -> FlatJson.parse(""));
  }

  @Test
  void aMarkerRoundTripsAndAMissingFieldIsNamed() {
    SyncMarker m = new SyncMarker("ab", 12, 9401, Instant.parse("2026-11-24T01:02:03.456Z"), "3.2.4", 1, "/r/sync", null);
    assertEquals(m, SyncMarker.parse(m.toJson()));
    assertEquals("field nonce is missing or not a string",
        assertThrows(IllegalArgumentException.class, () -> SyncMarker.parse("{\"daemon_family\":\"sync\",\"pid\":1}")).getMessage());
    assertEquals("daemon_family is not \"sync\"",
        assertThrows(IllegalArgumentException.class, () -> SyncMarker.parse("{\"daemon_family\":\"dashboard\"}")).getMessage());
  }
}
