package dev.kitty.family.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The marker file's format: what it reads back, and how it names what is wrong. */
class SyncMarkerTest {

  @Test
  void aMarkerRoundTripsAndAMissingFieldIsNamed() {
    SyncMarker m =
        new SyncMarker(
            "ab", 12, 9401, Instant.parse("2026-11-24T01:02:03.456Z"), "3.2.4", 1, "/r/sync", null);
    assertEquals(m, SyncMarker.parse(m.toJson()));
    assertEquals(
        "field nonce is missing or not a string",
        assertThrows(
                IllegalArgumentException.class,
                () -> SyncMarker.parse("{\"daemon_family\":\"sync\",\"pid\":1}"))
            .getMessage());
    assertEquals(
        "daemon_family is not \"sync\"",
        assertThrows(
                IllegalArgumentException.class,
                () -> SyncMarker.parse("{\"daemon_family\":\"dashboard\"}"))
            .getMessage());
    assertEquals(
        "start_time is not an ISO-8601 instant",
        assertThrows(
                IllegalArgumentException.class,
                () -> SyncMarker.parse(m.toJson().replace("2026-11-24T01", "yesterday")))
            .getMessage());
  }
}
