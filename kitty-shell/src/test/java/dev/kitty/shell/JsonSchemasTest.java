package dev.kitty.shell;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The schema checker itself: it must fail on what the schemas forbid, or its passes mean nothing.
 */
class JsonSchemasTest {

  private static JsonNode json(String text) {
    return KittyRun.JSON.readTree(text);
  }

  private static final String GHOST =
      "{\"daemon_family\":\"devstack\",\"port\":3000,\"address\":\"127.0.0.1\","
          + "\"owner_pid\":12,\"reason\":\"r\",\"holder_pids\":[13]}";

  @Test
  void aConformingDocumentPassesAndEachViolationFailsNamingThePath() {
    JsonSchemas.check("ghosts", json("{\"ghosts\":[" + GHOST + "]}"));
    AssertionError missing =
        assertThrows(
            AssertionError.class,
            () -> JsonSchemas.check("ghosts", json("{\"ghosts\":[{\"port\":3000}]}")));
    assertTrue(
        missing.getMessage().contains("$.ghosts[0]: missing daemon_family"), missing.getMessage());
    AssertionError extra =
        assertThrows(
            AssertionError.class,
            () -> JsonSchemas.check("ghosts", json("{\"ghosts\":[],\"extra\":1}")));
    assertTrue(extra.getMessage().contains("$: unexpected extra"), extra.getMessage());
    AssertionError type =
        assertThrows(
            AssertionError.class,
            () ->
                JsonSchemas.check(
                    "ghosts", json("{\"ghosts\":[" + GHOST.replace("3000", "\"3000\"") + "]}")));
    assertTrue(
        type.getMessage().contains("$.ghosts[0].port: expected [integer]"), type.getMessage());
    AssertionError notBoolean =
        assertThrows(
            AssertionError.class,
            () ->
                JsonSchemas.check(
                    "stop",
                    json(
                        "{\"swept\":[],\"skipped\":[],\"failed\":[],\"dry_run\":\"no\","
                            + "\"signaller\":null}")));
    assertTrue(
        notBoolean.getMessage().contains("$.dry_run: expected [boolean]"), notBoolean.getMessage());
  }

  @Test
  void everySchemaFileIsReadableAndUsesOnlySupportedKeywords() throws Exception {
    try (Stream<java.nio.file.Path> files = Files.list(JsonSchemas.DIR)) {
      for (var f : files.filter(p -> p.toString().endsWith(".schema.json")).toList()) {
        JsonNode schema = KittyRun.JSON.readTree(Files.readString(f));
        // Validating a value of every shape walks the whole schema's top level.
        JsonSchemas.validate(schema, schema, json("{}"), "$", new java.util.ArrayList<>());
      }
    }
  }
}
