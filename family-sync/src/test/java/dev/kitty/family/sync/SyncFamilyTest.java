package dev.kitty.family.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.api.CleanupClass;
import dev.kitty.api.Identity;
import dev.kitty.api.IdentitySource;
import dev.kitty.testkit.FakeProbeContext;
import dev.kitty.testkit.SpecKittyFixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sync probe's decisions on the recorded output of a real spec-kitty sync daemon. */
class SyncFamilyTest {

  private final SyncFamily family = new SyncFamily();
  private static final List<String> CMDLINE = SpecKittyFixtures.cmdline("sync-cmdline.bin");

  private FakeProbeContext daemonOn(int port, long pid) {
    return new FakeProbeContext(SyncFamily.RANGE, port, pid).with(FakeProbeContext.process(pid, 1, CMDLINE, Map.of()));
  }

  @Test
  void theRecordedSpecKittyDaemonIsReportedWithItsIdentityRecordButNeverAutoCleaned() {
    Map<String, Object> health = SpecKittyFixtures.json("sync-health.json");
    Identity id = family.identify(daemonOn(9400, 11662).json("/api/health", health));
    assertEquals(CleanupClass.OPERATOR_REQUIRED, id.cleanupClass());
    assertEquals(IdentitySource.HEALTH, id.source());
    assertEquals("no daemon-local identity marker: the shared health payload alone is not kill authority", id.skipReason());
    Map<String, Object> a = id.attributes();
    assertEquals(1, a.get("protocol_version"));
    assertEquals("3.2.7", a.get("package_version"));
    assertEquals("/home/dev/.spec-kitty", a.get("singleton_scope_id"));
    assertEquals("/home/dev/.spec-kitty", a.get("daemon_root"));
    assertTrue(((String) a.get("queue_db_path")).endsWith(".db"));
    assertEquals(null, a.get("auth_scope"));
    assertEquals("https://sync.example.invalid", a.get("server_url"));
    assertEquals(true, a.get("owner_present"));
    assertEquals("/home/dev/.local/share/spec-kitty/venv/bin/python3.11", a.get("executable"));
    assertEquals("production", a.get("spawn_shape"));
  }

  @Test
  void aDaemonWhosePayloadNamesAnotherPidOrPortIsNamedAsSuch() {
    Map<String, Object> health = SpecKittyFixtures.json("sync-health.json");
    Identity wrongPid = family.identify(daemonOn(9400, 5555).json("/api/health", health));
    assertEquals("health payload reports pid 11662 port 9400 but the listener is pid 5555 port 9400", wrongPid.skipReason());
    Identity wrongPort = family.identify(daemonOn(9401, 11662).json("/api/health", health));
    assertEquals("health payload reports pid 11662 port 9400 but the listener is pid 11662 port 9401", wrongPort.skipReason());
  }

  @Test
  void aSyncCommandLineThatDoesNotAnswerIsForTheOperator() {
    Identity id = family.identify(daemonOn(9400, 11662));
    assertEquals(CleanupClass.OPERATOR_REQUIRED, id.cleanupClass());
    assertEquals(IdentitySource.PROCESS_SHAPE, id.source());
    assertTrue(id.skipReason().contains("Connection refused"), id.skipReason());
  }

  @Test
  void anythingElseIsNeverTouched() {
    FakeProbeContext dashboardShaped =
        new FakeProbeContext(SyncFamily.RANGE, 9410, 77L)
            .with(FakeProbeContext.process(77, 1, SpecKittyFixtures.cmdline("dashboard-cmdline.bin"), Map.of()))
            .json("/api/health", SpecKittyFixtures.json("dashboard-health.json"));
    Identity id = family.identify(dashboardShaped);
    assertEquals(CleanupClass.NEVER_TOUCH, id.cleanupClass());
    assertEquals("not a sync daemon: health payload has no daemon_family \"sync\"", id.skipReason());
    FakeProbeContext notJson = new FakeProbeContext(SyncFamily.RANGE, 9411, 78L).with(FakeProbeContext.process(78, 1, List.of("nginx"), Map.of()));
    assertEquals(CleanupClass.NEVER_TOUCH, family.identify(notJson).cleanupClass());
  }
}
