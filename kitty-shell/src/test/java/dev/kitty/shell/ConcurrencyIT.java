package dev.kitty.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.testkit.TrackedProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Parallel kitty processes for one scope end with exactly one daemon (issue 10): the scope's lock
 * in the state store serialises them, and the ones that come second find the first's daemon.
 */
class ConcurrencyIT {

  @RegisterExtension final TrackedProcesses procs = new TrackedProcesses();

  @TempDir Path home;

  private List<KittyRun.Result> parallel(int n, String... args) {
    List<Process> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(SyncDaemons.startKitty(procs, home, Map.of(), args));
    }
    List<KittyRun.Result> out = new ArrayList<>();
    for (Process p : calls) {
      out.add(SyncDaemons.finish(p, args));
    }
    return out;
  }

  @Test
  void eightParallelStartsOfOneNameEndWithOneDaemon() {
    List<KittyRun.Result> results =
        parallel(
            8,
            java.util.stream.Stream.concat(
                    java.util.stream.Stream.of("--json"),
                    java.util.Arrays.stream(WebuiFamilyIT.direct("app")))
                .toArray(String[]::new));
    long started = results.stream().filter(r -> r.code() == 0).count();
    assertTrue(started >= 1, "one of them started it: " + results);
    Set<String> launches = new HashSet<>();
    for (KittyRun.Result r : results) {
      if (r.code() == 0) {
        launches.add(r.json().get("launch_id").asString());
      } else {
        assertTrue(!r.err().isBlank(), "a refused start says why: " + r);
      }
    }
    assertEquals(1, launches.size(), "every success names the same launch: " + launches);
    Set<Long> daemons =
        WebuiFamilyIT.carriers("KITTY_STATE_DIR=" + home.resolve("state"), "KITTY_FAMILY=webui");
    JsonNode status = SyncDaemons.kitty(procs, home, Map.of(), "--json", "status", "webui").json();
    assertEquals(1, status.get("launches").size(), status.toString());
    Set<Long> members = new HashSet<>();
    status.get("launches").get(0).get("members").forEach(m -> members.add(m.get("pid").asLong()));
    assertEquals(3, members.size(), "the server and its two workers: " + status);
    assertEquals(members, daemons, "nothing alive but the one launch's processes");
  }

  @Test
  void fiveParallelDashboardsForOneProjectEndWithOne() throws Exception {
    Path project = Files.createDirectories(home.resolve("shop")).toRealPath();
    List<KittyRun.Result> results =
        parallel(5, "--json", "dashboard", "--project", project.toString());
    Set<Long> pids = new HashSet<>();
    for (KittyRun.Result r : results) {
      assertEquals(0, r.code(), r.out() + r.err());
      pids.add(r.json().get("pid").asLong());
    }
    assertEquals(1, pids.size(), "all five report the same dashboard: " + pids);
    long dashboards =
        WebuiFamilyIT.carriers("KITTY_STATE_DIR=" + home.resolve("state"), "KITTY_FAMILY=dashboard")
            .size();
    assertEquals(1, dashboards, "one dashboard process for the project");
  }

  @Test
  void threeParallelUpsOfOneStackStartEachServiceOnce() throws Exception {
    Path file = CrashConsistencyIT.twoServiceStack(home);
    for (KittyRun.Result r : parallel(3, "--json", "up", file.toString())) {
      assertEquals(0, r.code(), r.out() + r.err());
    }
    JsonNode ps = SyncDaemons.kitty(procs, home, Map.of(), "--json", "ps", file.toString()).json();
    Set<Long> members = new HashSet<>();
    Set<String> launches = new HashSet<>();
    for (JsonNode service : ps.get("services")) {
      assertEquals("running", service.get("state").asString(), ps.toString());
      launches.add(service.get("launch").asString());
      service.get("members").forEach(m -> members.add(m.get("pid").asLong()));
    }
    assertEquals(2, launches.size(), "one launch per service: " + ps);
    assertEquals(
        members,
        WebuiFamilyIT.carriers("KITTY_STATE_DIR=" + home.resolve("state"), "KITTY_FAMILY=devstack"),
        "nothing alive but the two services' processes");
    assertEquals(0, SyncDaemons.kitty(procs, home, Map.of(), "down", file.toString()).code());
  }
}
