package dev.kitty.family.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.api.CleanupClass;
import dev.kitty.api.DaemonProof;
import dev.kitty.api.Identity;
import dev.kitty.api.IdentitySource;
import dev.kitty.api.JsonText;
import dev.kitty.testkit.FakeProbeContext;
import dev.kitty.testkit.SpecKittyFixtures;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sync probe's decision table (FR-002, FR-003): on the recorded output of a real spec-kitty
 * sync daemon, and on kitty's own daemon with every part of the identity contract broken in turn.
 * The same decisions on live daemons are in the shell's {@code SyncFamilyIT}.
 */
class SyncFamilyTest {

  private final SyncFamily family = new SyncFamily();
  private static final List<String> SPEC_KITTY_CMDLINE =
      SpecKittyFixtures.cmdline("sync-cmdline.bin");
  private static final List<String> KITTY_CMDLINE =
      List.of(
          "/usr/bin/java", "--module-path", "/x", "-m", SyncFamily.DAEMON_MAIN, "--port", "9405");
  private static final String NONCE = "00112233445566778899aabbccddeeff";
  private static final long PID = 4242;
  private static final int PORT = 9405;

  /** What FakeProbeContext says the state dir is; the daemon root is under it. */
  private static final Path ROOT = SyncContract.daemonRoot(Path.of("/tmp/kitty-state"));

  private static final String MARKER = SyncContract.markerFile(ROOT, PID).toString();
  private static final String RECORD = "/tmp/kitty-state/records/sync.json";

  private FakeProbeContext specKittyOn(int port, long pid) {
    return new FakeProbeContext(SyncFamily.RANGE, port, pid)
        .with(FakeProbeContext.process(pid, 1, SPEC_KITTY_CMDLINE, Map.of()));
  }

  /** Kitty's own daemon, healthy, whose health answer proves the nonce {@code nonceKnown}. */
  private FakeProbeContext kittyDaemon(String version, String nonceKnown) {
    return new FakeProbeContext(SyncFamily.RANGE, PORT, PID)
        .with(FakeProbeContext.process(PID, 1, KITTY_CMDLINE, Map.of()))
        .json(
            "/api/health",
            fullPath -> {
              Map<String, Object> h = new LinkedHashMap<>();
              h.put("status", "ok");
              h.put("daemon_family", "sync");
              h.put("protocol_version", 1);
              h.put("package_version", version);
              h.put("pid", PID);
              h.put("port", PORT);
              h.put("singleton_scope_id", ROOT.toString());
              h.put("daemon_root", ROOT.toString());
              h.put("queue_db_path", SyncContract.queueFile(ROOT).toString());
              h.put("auth_scope", null);
              h.put("server_url", null);
              h.put("intent", "LOCAL_ONLY");
              h.put("in_flight", 0);
              h.put("started_at", Instant.EPOCH.toString());
              String challenge =
                  fullPath.substring(fullPath.indexOf("challenge=") + "challenge=".length());
              h.put("marker_proof", DaemonProof.proof(nonceKnown, challenge));
              return h;
            });
  }

  private static String marker(long pid, int port, Instant start) {
    return new SyncMarker(NONCE, pid, port, start, "3.2.4", 1, ROOT.toString(), null).toJson();
  }

  private static String record(long pid, int port, long startTicks) {
    return JsonText.write(Map.of("pid", pid, "port", port, "start_ticks", startTicks));
  }

  @Test
  void aSpecKittyDaemonIsReportedWithItsIdentityRecordButNeverAutoCleaned() {
    Map<String, Object> health = SpecKittyFixtures.json("sync-health.json");
    Identity id = family.identify(specKittyOn(9400, 11662).json("/api/health", health));
    assertEquals(CleanupClass.OPERATOR_REQUIRED, id.cleanupClass());
    assertEquals(IdentitySource.HEALTH, id.source());
    assertTrue(
        id.skipReason().startsWith("cross-root: its daemon root is /home/dev/.spec-kitty"),
        id.skipReason());
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
    Identity wrongPid = family.identify(specKittyOn(9400, 5555).json("/api/health", health));
    assertEquals(
        "health payload reports pid 11662 port 9400 but the listener is pid 5555 port 9400",
        wrongPid.skipReason());
    Identity wrongPort = family.identify(specKittyOn(9401, 11662).json("/api/health", health));
    assertEquals(
        "health payload reports pid 11662 port 9400 but the listener is pid 11662 port 9401",
        wrongPort.skipReason());
  }

  @Test
  void aPayloadWithoutPidOrPortIsForTheOperator() {
    Map<String, Object> health = new LinkedHashMap<>(SpecKittyFixtures.json("sync-health.json"));
    health.remove("owner");
    Identity id = family.identify(specKittyOn(9400, 11662).json("/api/health", health));
    assertEquals(CleanupClass.OPERATOR_REQUIRED, id.cleanupClass());
    assertEquals("health payload reports no pid or port", id.skipReason());
    assertEquals(false, id.attributes().get("owner_present"));
  }

  @Test
  void aSyncCommandLineThatDoesNotAnswerIsForTheOperator() {
    Identity id = family.identify(specKittyOn(9400, 11662));
    assertEquals(CleanupClass.OPERATOR_REQUIRED, id.cleanupClass());
    assertEquals(IdentitySource.PROCESS_SHAPE, id.source());
    assertTrue(id.skipReason().contains("Connection refused"), id.skipReason());
  }

  /**
   * Finding 4 of the safety review (ADR 14 addendum): the recorded singleton that does not answer
   * health (stalled by idle clients, or busy) is still the live singleton, so {@code ensure} reuses
   * it and no cleanup takes it; without the record naming it, or without its marker, it proves
   * nothing and stays for the operator.
   */
  @Test
  void aSilentDaemonTheSingletonRecordNamesIsStillTheLiveSingleton() {
    FakeProbeContext named =
        new FakeProbeContext(SyncFamily.RANGE, PORT, PID)
            .with(FakeProbeContext.process(PID, 1, KITTY_CMDLINE, Map.of()))
            .silent()
            .file(MARKER, marker(PID, PORT, Instant.EPOCH), false)
            .file(RECORD, record(PID, PORT, PID * 10), false);
    Identity id = family.identify(named);
    assertTrue(id.recorded(), id.toString());
    assertTrue(id.skipReason().contains("did not answer health"), id.skipReason());
    for (FakeProbeContext notProven :
        List.of(
            new FakeProbeContext(SyncFamily.RANGE, PORT, PID)
                .with(FakeProbeContext.process(PID, 1, KITTY_CMDLINE, Map.of()))
                .silent()
                .file(RECORD, record(PID, PORT, PID * 10), false),
            new FakeProbeContext(SyncFamily.RANGE, PORT, PID)
                .with(FakeProbeContext.process(PID, 1, KITTY_CMDLINE, Map.of()))
                .silent()
                .file(MARKER, marker(PID, PORT, Instant.EPOCH), false)
                .file(RECORD, record(PID, PORT, PID * 10 + 1), false),
            new FakeProbeContext(SyncFamily.RANGE, PORT, PID)
                .with(FakeProbeContext.process(PID, 1, KITTY_CMDLINE, Map.of()))
                .silent()
                .file(MARKER, marker(PID, PORT, Instant.EPOCH), false))) {
      Identity other = family.identify(notProven);
      assertEquals(CleanupClass.OPERATOR_REQUIRED, other.cleanupClass(), other.toString());
      assertTrue(!other.recorded(), other.toString());
    }
  }

  @Test
  void anythingElseIsNeverTouched() {
    FakeProbeContext dashboardShaped =
        new FakeProbeContext(SyncFamily.RANGE, 9410, 77L)
            .with(
                FakeProbeContext.process(
                    77, 1, SpecKittyFixtures.cmdline("dashboard-cmdline.bin"), Map.of()))
            .json("/api/health", SpecKittyFixtures.json("dashboard-health.json"));
    Identity id = family.identify(dashboardShaped);
    assertEquals(CleanupClass.NEVER_TOUCH, id.cleanupClass());
    assertEquals(
        "not a sync daemon: health payload has no daemon_family \"sync\"", id.skipReason());
    FakeProbeContext notJson =
        new FakeProbeContext(SyncFamily.RANGE, 9411, 78L)
            .with(FakeProbeContext.process(78, 1, List.of("nginx"), Map.of()));
    assertEquals(CleanupClass.NEVER_TOUCH, family.identify(notJson).cleanupClass());
  }

  @Test
  void aProvenDaemonThatIsNotTheRecordedSingletonIsSafeAutoWhateverItsVersion() {
    for (String version :
        List.of("3.2.2", "3.2.3", "3.2.4", SyncContract.currentPackageVersion())) {
      Identity id =
          family.identify(
              kittyDaemon(version, NONCE).file(MARKER, marker(PID, PORT, Instant.EPOCH), false));
      assertEquals(CleanupClass.SAFE_AUTO, id.cleanupClass(), version + ": " + id.skipReason());
      assertEquals(IdentitySource.MARKER, id.source());
      assertTrue(
          ((String) id.attributes().get("stale")).contains("not the recorded singleton"),
          id.attributes().toString());
    }
  }

  @Test
  void theRecordedSingletonOfTheCurrentVersionIsLiveAndOfAnOlderVersionIsStale() {
    String current = SyncContract.currentPackageVersion();
    Identity live =
        family.identify(
            kittyDaemon(current, NONCE)
                .file(MARKER, marker(PID, PORT, Instant.EPOCH), false)
                .file(RECORD, record(PID, PORT, PID * 10), false));
    assertTrue(live.recorded(), live.toString());
    assertEquals(CleanupClass.OPERATOR_REQUIRED, live.cleanupClass());

    Identity old =
        family.identify(
            kittyDaemon("3.2.2", NONCE)
                .file(MARKER, marker(PID, PORT, Instant.EPOCH), false)
                .file(RECORD, record(PID, PORT, PID * 10), false));
    assertFalse(old.recorded());
    assertEquals(
        CleanupClass.SAFE_AUTO,
        old.cleanupClass(),
        "FR-008: a version mismatch with proven scope is stale");

    Identity reused =
        family.identify(
            kittyDaemon(current, NONCE)
                .file(MARKER, marker(PID, PORT, Instant.EPOCH), false)
                .file(RECORD, record(PID, PORT, 1), false));
    assertFalse(
        reused.recorded(),
        "a record of another process with this pid (other start time) is not this one's");
  }

  @Test
  void everyBrokenPartOfTheIdentityContractMakesItOperatorRequired() {
    Map<String, FakeProbeContext> cases = new LinkedHashMap<>();
    cases.put("pre-marker: no daemon-local identity marker", kittyDaemon("3.2.4", NONCE));
    cases.put(
        "is world-writable or another user's",
        kittyDaemon("3.2.4", NONCE).file(MARKER, marker(PID, PORT, Instant.EPOCH), true));
    cases.put(
        "another user's: refused",
        kittyDaemon("3.2.4", NONCE).foreignFile(MARKER, marker(PID, PORT, Instant.EPOCH), 0));
    cases.put(
        "is corrupt",
        kittyDaemon("3.2.4", NONCE).file(MARKER, "{\"daemon_family\":\"sync\"", false));
    cases.put(
        "has schema_version 2, which this kitty does not read (up to 1)",
        kittyDaemon("3.2.4", NONCE)
            .file(
                MARKER,
                marker(PID, PORT, Instant.EPOCH)
                    .replace("\"schema_version\":1", "\"schema_version\":2"),
                false));
    cases.put(
        "names pid 1 port",
        kittyDaemon("3.2.4", NONCE).file(MARKER, marker(1, PORT, Instant.EPOCH), false));
    cases.put(
        "(pid reused?)",
        kittyDaemon("3.2.4", NONCE)
            .file(MARKER, marker(PID, PORT, Instant.EPOCH.plusSeconds(30)), false));
    cases.put(
        "does not prove knowledge of the nonce",
        kittyDaemon("3.2.4", "ffeeddccbbaa99887766554433221100")
            .file(MARKER, marker(PID, PORT, Instant.EPOCH), false));
    cases.put(
        "singleton record /tmp/kitty-state/records/sync.json is corrupt",
        kittyDaemon("3.2.4", NONCE)
            .file(MARKER, marker(PID, PORT, Instant.EPOCH), false)
            .file(RECORD, "{\"pid\": 4", false));
    cases.forEach(
        (reason, ctx) -> {
          Identity id = family.identify(ctx);
          assertEquals(CleanupClass.OPERATOR_REQUIRED, id.cleanupClass(), reason);
          assertTrue(
              id.skipReason().contains(reason.replace("another user's: refused", "another user's")),
              reason + " vs " + id.skipReason());
        });
  }

  @Test
  void aDaemonOfThisFamilyWithAnotherCommandLineIsNotProven() {
    FakeProbeContext shaped =
        kittyDaemon("3.2.4", NONCE).file(MARKER, marker(PID, PORT, Instant.EPOCH), false);
    FakeProbeContext other =
        new FakeProbeContext(SyncFamily.RANGE, PORT, PID)
            .with(
                FakeProbeContext.process(
                    PID, 1, List.of("/usr/bin/python3", "fake_sync.py"), Map.of()));
    other.json("/api/health", path -> shaped.httpGet(path).json());
    other.file(MARKER, marker(PID, PORT, Instant.EPOCH), false);
    Identity id = family.identify(other);
    assertEquals(CleanupClass.OPERATOR_REQUIRED, id.cleanupClass());
    assertTrue(id.skipReason().contains("not the production spawn shape"), id.skipReason());
  }
}
