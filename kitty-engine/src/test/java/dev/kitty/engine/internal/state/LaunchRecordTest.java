package dev.kitty.engine.internal.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.engine.internal.JsonSupport;
import dev.kitty.engine.model.Confinement;
import dev.kitty.engine.model.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launch record's format and the registry's handling of bad files. */
class LaunchRecordTest {

  @TempDir Path state;

  static LaunchRecord record(String name, String status) {
    return new LaunchRecord(
        "webui",
        name,
        status,
        "id-" + name,
        42,
        List.of("python3", "x.py", "{port}"),
        false,
        "auto",
        7860,
        "/health",
        "/tmp",
        100,
        41,
        101,
        43,
        100,
        100,
        "/tmp/log",
        "2026-11-24T10:00:00Z",
        null,
        2,
        null,
        "project-a",
        "0123abcd",
        null,
        -1,
        null);
  }

  @Test
  void aContainedRecordKeepsItsCellAndConfinement() {
    LaunchRecord plain = record("svc", "running");
    Confinement c =
        Confinement.ofStack("abc123", new Limits(50, 1 << 30, 0), new Limits(5, 64 << 20, 50));
    LaunchRecord r =
        new LaunchRecord(
            plain.family(),
            plain.name(),
            plain.status(),
            plain.launchId(),
            plain.notBeforeTicks(),
            plain.command(),
            plain.shell(),
            plain.portRequest(),
            plain.port(),
            plain.healthPath(),
            plain.cwd(),
            plain.wrapperPid(),
            plain.wrapperStartTicks(),
            plain.pid(),
            plain.startTicks(),
            plain.pgid(),
            plain.sid(),
            plain.log(),
            plain.startedAt(),
            plain.stoppedAt(),
            plain.restarts(),
            plain.error(),
            plain.scope(),
            plain.token(),
            "/sys/fs/cgroup/kitty/ab/stack-abc123/id-svc",
            77,
            c);
    LaunchRecord back = LaunchRecord.fromJson(JsonSupport.objectOrNull(r.toJson()));
    assertEquals(r, back);
    assertEquals(c, back.confinement());
    assertEquals(77, back.cell().orElseThrow().id());
    // Without one, none is written and none comes back.
    assertFalse(plain.toJson().contains("confinement"));
    assertEquals(
        Confinement.NONE,
        LaunchRecord.fromJson(JsonSupport.objectOrNull(plain.toJson())).confinement());
  }

  @Test
  void aConfinementOfTheWrongShapeIsNamed() {
    Map<String, Object> m =
        new java.util.HashMap<>(JsonSupport.objectOrNull(record("x", "running").toJson()));
    m.put("confinement", Map.of("limits", Map.of("max_processes", "many")));
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> LaunchRecord.fromJson(m));
    assertEquals(
        "confinement.limits.max_processes is not a whole number from 0 to 2147483647",
        e.getMessage());
    m.put("confinement", Map.of("group_limits", Map.of("cpu_percent", -5)));
    e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> LaunchRecord.fromJson(m));
    assertTrue(e.getMessage().startsWith("confinement.group_limits.cpu_percent"), e.getMessage());
    m.put("confinement", Map.of("group", "../etc"));
    e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> LaunchRecord.fromJson(m));
    assertTrue(e.getMessage().startsWith("confinement: not a cgroup group name"), e.getMessage());
  }

  @Test
  void aRecordSurvivesItsOwnFormat() {
    LaunchRecord r = record("ui", "running");
    Map<String, Object> m = JsonSupport.objectOrNull(r.toJson());
    assertEquals(1L, ((Number) m.get("schema_version")).longValue());
    assertEquals(r, LaunchRecord.fromJson(m));
    assertTrue(r.meantToRun());
    assertFalse(r.with("stopped", "2026-11-24T11:00:00Z", null).meantToRun());
  }

  @Test
  void aNewerSchemaOrAMissingFieldIsRefusedByName() {
    String json = record("ui", "running").toJson();
    var newer =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LaunchRecord.fromJson(
                    JsonSupport.objectOrNull(
                        json.replace("\"schema_version\":1", "\"schema_version\":2"))));
    assertTrue(newer.getMessage().contains("schema_version 2"), newer.getMessage());
    var missing =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LaunchRecord.fromJson(
                    JsonSupport.objectOrNull(json.replace("\"pid\"", "\"pidx\""))));
    assertTrue(missing.getMessage().contains("pid"), missing.getMessage());
  }

  @Test
  void namesAreSafeAsPartOfAFileName() {
    for (String ok : List.of("ui", "UI-2", "a.b_c", "x".repeat(64))) {
      assertTrue(ok.matches(LaunchRecord.NAME_PATTERN), ok);
    }
    for (String bad : List.of("", "../etc", ".hidden", "a/b", "a b", "x".repeat(65), "-x")) {
      assertFalse(bad.matches(LaunchRecord.NAME_PATTERN), bad);
    }
  }

  @Test
  void anUnreadableRecordIsQuarantinedAndNamedWhileTheOthersStillLoad() throws Exception {
    StateStore store = new StateStore(state);
    LaunchRegistry registry = new LaunchRegistry(store);
    registry.write(record("good", "running"));
    Path bad = registry.file("webui", "bad");
    Files.writeString(bad, "{\"schema_version\":1,");
    Path newer = registry.file("webui", "newer");
    Files.writeString(
        newer,
        record("newer", "running")
            .toJson()
            .replace("\"schema_version\":1", "\"schema_version\":9"));

    // A scan's registry only reads: nothing moves.
    LaunchRegistry readOnly = new LaunchRegistry(store, false);
    assertEquals(List.of("good"), readOnly.all("webui").stream().map(LaunchRecord::name).toList());
    assertTrue(Files.exists(bad));
    assertEquals(2, readOnly.warnings().size());

    assertEquals(List.of("good"), registry.all("webui").stream().map(LaunchRecord::name).toList());
    assertFalse(Files.exists(bad));
    assertFalse(Files.exists(newer));
    List<String> w = registry.warnings();
    assertEquals(2, w.size());
    assertTrue(
        w.stream().anyMatch(x -> x.contains(bad.toString()) && x.contains("quarantine")),
        w.toString());
    assertTrue(w.stream().anyMatch(x -> x.contains("schema_version 9")), w.toString());
    try (var files = Files.list(state.resolve("quarantine"))) {
      assertEquals(2, files.count());
    }
  }

  @Test
  void theHistoryIsAppendedOneJsonLineAnEvent() throws Exception {
    LaunchRegistry registry = new LaunchRegistry(new StateStore(state));
    registry.history("start", record("ui", "running"), "pid 101");
    registry.history("stop", record("ui", "stopped"), "stopped by the operator");
    List<String> lines = Files.readAllLines(state.resolve("launch-history.jsonl"));
    assertEquals(2, lines.size());
    assertEquals("stop", JsonSupport.objectOrNull(lines.get(1)).get("event"));
  }
}
