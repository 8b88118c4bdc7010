package dev.kitty.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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

  @Test
  void everyCommandWithADocumentNamesASchemaFileAndEveryFileIsNamed() throws Exception {
    List<List<String>> commands =
        List.of(
            List.of("--json", "families", "--explain"),
            List.of("--json", "scan", "webui"),
            List.of("--json", "doctor"),
            List.of("--json", "doctor", "sync", "--reset"),
            List.of("--json", "tree", "1"),
            List.of("--json", "map"),
            List.of("--json", "ghosts"),
            List.of("--json", "watch", "webui", "--once"),
            List.of("--json", "kill", "12", "--family", "sync"),
            List.of("--json", "cleanup"),
            List.of("--json", "start", "webui", "--", "sh"),
            List.of("--json", "status"),
            List.of("--json", "up"),
            List.of("--json", "sync", "ensure"),
            List.of("--json", "sync", "status"),
            List.of("--json", "dashboard", "--project", "p"),
            List.of("--json", "dashboard", "--cleanup"),
            List.of("--json", "family", "verify", "x.jar"),
            List.of("--json", "family", "new", "notebooks"));
    Set<String> named = new TreeSet<>();
    for (List<String> args : commands) {
      String schema = JsonSchemas.schemaFor(args).orElseThrow(() -> new AssertionError(args));
      assertTrue(
          Files.isRegularFile(JsonSchemas.DIR.resolve(schema + ".schema.json")),
          args + " " + schema);
      named.add(schema);
    }
    named.add("error"); // every command's error document, checked by JsonSchemas.checkCommand
    assertEquals("stop", JsonSchemas.schemaFor(List.of("doctor", "--reset")).orElseThrow());
    assertEquals(
        "families",
        JsonSchemas.schemaFor(List.of("--family-path", "/p", "families", "--json")).orElseThrow());
    assertTrue(JsonSchemas.schemaFor(List.of("logs", "api")).isEmpty(), "logs prints no JSON");
    assertEquals("ensure", JsonSchemas.schemaFor(List.of("dashboard")).orElseThrow());
    assertEquals("sync-status", JsonSchemas.schemaFor(List.of("sync", "status")).orElseThrow());
    Set<String> files = new TreeSet<>();
    try (Stream<java.nio.file.Path> list = Files.list(JsonSchemas.DIR)) {
      list.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".schema.json") && !n.equals("common.schema.json"))
          .forEach(n -> files.add(n.substring(0, n.length() - ".schema.json".length())));
    }
    assertEquals(files, named, "a schema no command uses, or a command without its schema");
  }

  @Test
  void anyOfPassesWhenOneBranchMatchesAndNamesEveryBranchWhenNoneDoes() {
    JsonSchemas.check("sync-status", json("{\"families\":[],\"singleton\":null}"));
    AssertionError wrong =
        assertThrows(
            AssertionError.class,
            () ->
                JsonSchemas.check(
                    "sync-status", json("{\"families\":[],\"singleton\":{\"port\":9400}}")));
    assertTrue(
        wrong.getMessage().contains("$.singleton: matches none of anyOf")
            && wrong.getMessage().contains("missing daemon_family"),
        wrong.getMessage());
  }
}
