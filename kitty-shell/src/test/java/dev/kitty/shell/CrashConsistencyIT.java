package dev.kitty.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.testkit.TrackedProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Crash consistency (issue 10): kitty dies as with SIGKILL ({@code KITTY_CRASH_AT}, see {@code
 * CrashPoints}: no shutdown hook, no finally) at each point of a named launch's start and stop, and
 * the next command converges — one daemon, recorded, listening, nothing of the crashed attempt
 * left; after a crashed stop, nothing at all.
 */
class CrashConsistencyIT {

  @RegisterExtension final TrackedProcesses procs = new TrackedProcesses();

  @TempDir Path home;

  private KittyRun.Result run(Map<String, String> env, String... args) {
    List<String> all = new ArrayList<>(List.of("--json"));
    all.addAll(List.of(args));
    return SyncDaemons.kitty(procs, home, env, all.toArray(String[]::new));
  }

  /** The live processes kitty launched for {@code family} in this test's state dir. */
  private Set<Long> processesOf(String family) {
    return WebuiFamilyIT.carriers(
        "KITTY_STATE_DIR=" + home.resolve("state"), "KITTY_FAMILY=" + family);
  }

  private void awaitNothingOf(String family) {
    TrackedProcesses.await(
        "nothing of " + family + " left",
        Duration.ofSeconds(10),
        () -> processesOf(family).isEmpty());
  }

  private Set<Long> daemons() {
    return processesOf("webui");
  }

  private JsonNode status() {
    KittyRun.Result r = run(Map.of(), "status", "webui");
    return r.json().get("launches").get(0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"launch.intent-recorded", "launch.spawned", "launch.healthy"})
  void aStartKilledAtAnyPointConvergesOnTheNextEnsure(String point) {
    KittyRun.Result crashed = run(Map.of("KITTY_CRASH_AT", point), WebuiFamilyIT.direct("app"));
    assertEquals(137, crashed.code(), crashed.out() + crashed.err());
    assertTrue(crashed.err().contains("crash point " + point), crashed.err());

    KittyRun.Result ensure = run(Map.of(), "ensure", "webui", "app");
    assertEquals(0, ensure.code(), ensure.out() + ensure.err());
    JsonNode s = status();
    assertEquals("running", s.get("state").asString(), s.toString());
    assertTrue(s.get("listening").asBoolean(), s.toString());
    long pid = s.get("pid").asLong();
    TrackedProcesses.await(
        "only the recorded daemon's processes",
        Duration.ofSeconds(10),
        () -> daemons().stream().allMatch(p -> p == pid || isMember(s, p)));
    assertTrue(daemons().contains(pid), "the recorded pid is alive: " + daemons());

    KittyRun.Result stop = run(Map.of(), "stop", "webui", "app");
    assertEquals(0, stop.code(), stop.out() + stop.err());
    TrackedProcesses.await("nothing left", Duration.ofSeconds(10), () -> daemons().isEmpty());
  }

  @org.junit.jupiter.api.Test
  void aStopKilledAfterItsSignalsConvergesOnTheNextStop() {
    KittyRun.Result start = run(Map.of(), WebuiFamilyIT.direct("app"));
    assertEquals(0, start.code(), start.out() + start.err());
    KittyRun.Result crashed =
        run(Map.of("KITTY_CRASH_AT", "stop.signalled"), "stop", "webui", "app");
    assertEquals(137, crashed.code(), crashed.out() + crashed.err());

    KittyRun.Result again = run(Map.of(), "stop", "webui", "app");
    assertEquals(0, again.code(), again.out() + again.err());
    assertEquals("stopped", status().get("state").asString());
    TrackedProcesses.await("nothing left", Duration.ofSeconds(10), () -> daemons().isEmpty());
  }

  @org.junit.jupiter.api.Test
  void aDashboardStartKilledAfterTheSpawnConvergesOnTheNextDashboard() throws Exception {
    Path project = java.nio.file.Files.createDirectories(home.resolve("shop")).toRealPath();
    KittyRun.Result crashed =
        run(
            Map.of("KITTY_CRASH_AT", "launch.spawned"),
            "dashboard",
            "--project",
            project.toString());
    assertEquals(137, crashed.code(), crashed.out() + crashed.err());
    KittyRun.Result again = run(Map.of(), "dashboard", "--project", project.toString());
    assertEquals(0, again.code(), again.out() + again.err());
    long pid = again.json().get("pid").asLong();
    TrackedProcesses.await(
        "one dashboard, the reported one",
        Duration.ofSeconds(10),
        () -> processesOf("dashboard").equals(Set.of(pid)));
    assertEquals(0, run(Map.of(), "dashboard", "--project", project.toString(), "--stop").code());
  }

  @org.junit.jupiter.api.Test
  void anUpKilledAfterItsFirstServiceSpawnedConvergesOnTheNextUpAndDownLeavesNothing()
      throws Exception {
    int a = TrackedProcesses.freePort(3000, 3050);
    int b = TrackedProcesses.freePort(3050, 3100);
    Path file = twoServiceStack(home, a, b);
    KittyRun.Result crashed =
        run(Map.of("KITTY_CRASH_AT", "launch.spawned"), "up", file.toString());
    assertEquals(137, crashed.code(), crashed.out() + crashed.err());

    KittyRun.Result up = run(Map.of(), "up", file.toString());
    assertEquals(0, up.code(), up.out() + up.err());
    JsonNode ps = run(Map.of(), "ps", file.toString()).json();
    Set<Long> members = new java.util.HashSet<>();
    for (JsonNode service : ps.get("services")) {
      assertEquals("running", service.get("state").asString(), ps.toString());
      service.get("members").forEach(m -> members.add(m.get("pid").asLong()));
    }
    TrackedProcesses.await(
        "nothing but the two services' processes",
        Duration.ofSeconds(10),
        () -> processesOf("devstack").equals(members));

    assertEquals(0, run(Map.of(), "down", file.toString()).code());
    awaitNothingOf("devstack");
    // Where launches are contained (ADR 29), the crashed up's cell went with its service too:
    // no orphan of any family, and no folder of cells of this state dir is left.
    JsonNode doctor = run(Map.of(), "doctor").json();
    assertEquals(0, doctor.get("orphan_cells").size(), doctor.toString());
    String key =
        java.util.HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest(
                        home.resolve("state")
                            .toAbsolutePath()
                            .normalize()
                            .toString()
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                0,
                8);
    for (String mount : List.of("/sys/fs/cgroup/unified", "/sys/fs/cgroup")) {
      assertFalse(
          Files.exists(Path.of(mount, "kitty", key)), "cells of this state dir left in " + mount);
    }
  }

  @org.junit.jupiter.api.Test
  void aDownKilledAfterItsFirstServiceWasSignalledConvergesOnTheNextDown() throws Exception {
    Path file = twoServiceStack(home);
    assertEquals(0, run(Map.of(), "up", file.toString()).code());
    // down stops b first (reverse order); kitty dies right after b's signals, a untouched.
    KittyRun.Result crashed =
        run(Map.of("KITTY_CRASH_AT", "stop.signalled"), "down", file.toString());
    assertEquals(137, crashed.code(), crashed.out() + crashed.err());
    KittyRun.Result again = run(Map.of(), "down", file.toString());
    assertEquals(0, again.code(), again.out() + again.err());
    awaitNothingOf("devstack");
  }

  @org.junit.jupiter.api.Test
  void aCorruptStackRecordIsQuarantinedAndTheStackStillStopsWhole() throws Exception {
    Path file = twoServiceStack(home);
    KittyRun.Result up = run(Map.of(), "up", file.toString());
    assertEquals(0, up.code(), up.out() + up.err());
    Path record =
        home.resolve("state/records/stack." + up.json().get("stack").asString() + ".json");
    java.nio.file.Files.writeString(record, "{\"services\": [");

    KittyRun.Result down = run(Map.of(), "down", file.toString());
    assertEquals(0, down.code(), down.out() + down.err());
    String notes = down.json().get("notes").toString();
    assertTrue(notes.contains("was moved to") && notes.contains("rebuilt"), notes);
    try (var q = java.nio.file.Files.list(home.resolve("state/quarantine"))) {
      assertEquals(1, q.count(), "the corrupt record is kept aside");
    }
    awaitNothingOf("devstack");
  }

  /** {@link #twoServiceStack(Path, int, int)} on a free port of each half of the devstack range. */
  static Path twoServiceStack(Path home) throws java.io.IOException {
    return twoServiceStack(
        home, TrackedProcesses.freePort(3000, 3050), TrackedProcesses.freePort(3050, 3100));
  }

  /** A stack of two python web servers on {@code a} and {@code b}, b depending on a. */
  static Path twoServiceStack(Path home, int a, int b) throws java.io.IOException {
    Path file =
        java.nio.file.Files.createDirectories(home.resolve("stack")).resolve("kitty-stack.json");
    java.nio.file.Files.writeString(
        file,
        """
        {"services": {
          "a": {"command": "python3 -m http.server %d --bind 127.0.0.1", "port": %d},
          "b": {"command": "python3 -m http.server %d --bind 127.0.0.1", "port": %d,
                "depends_on": ["a"]}
        }}
        """
            .formatted(a, a, b, b));
    return file;
  }

  private static boolean isMember(JsonNode status, long pid) {
    for (JsonNode m : status.get("members")) {
      if (m.get("pid").asLong() == pid) {
        return true;
      }
    }
    return false;
  }
}
