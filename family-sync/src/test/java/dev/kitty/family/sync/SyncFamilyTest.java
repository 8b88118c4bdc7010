package dev.kitty.family.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.api.CleanupClass;
import dev.kitty.api.Identity;
import dev.kitty.api.IdentitySource;
import dev.kitty.api.support.DaemonProof;
import dev.kitty.api.support.JsonText;
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

  private static final String SK_ROOT = "/home/dev/.spec-kitty";
  private static final String SK_RECORD = SK_ROOT + "/sync-daemon";
  private static final String SK_OWNER = SK_ROOT + "/sync/daemon/owner.json";

  /**
   * spec-kitty's live sync daemon exactly as recorded: its command line, health answer, singleton
   * record and owner file, in its owner's root (this user's: HOME is /home/dev).
   */
  private FakeProbeContext specKitty(int port, long pid) {
    return specKittyOn(port, pid)
        .json("/api/health", SpecKittyFixtures.json("sync-health.json"))
        .directory(SK_ROOT, 1000, false)
        .file(SK_RECORD, SpecKittyFixtures.text("sync-daemon-record"), false)
        .file(SK_OWNER, SpecKittyFixtures.text("sync-owner.json"), false)
        .env("HOME", "/home/dev");
  }

  /** The health answer of a 3.2.2- or 3.2.3-shaped daemon: no daemon_family, no scope id. */
  private static Map<String, Object> preScopeHealth() {
    Map<String, Object> h = new LinkedHashMap<>(SpecKittyFixtures.json("sync-health.json"));
    h.remove("daemon_family");
    h.remove("singleton_scope_id");
    h.put("package_version", "3.2.2");
    return h;
  }

  @Test
  void theLiveSpecKittyDaemonItsRecordNamesIsRecordedWithItsIdentity() {
    Identity id = family.identify(specKitty(9400, 11662));
    assertTrue(id.recorded(), id.toString());
    assertEquals(CleanupClass.OPERATOR_REQUIRED, id.cleanupClass());
    assertEquals(
        "the live spec-kitty sync daemon of " + SK_ROOT + " (" + SK_RECORD + " names it)",
        id.skipReason());
    Map<String, Object> a = id.attributes();
    assertEquals(1L, ((Number) a.get("protocol_version")).longValue());
    assertEquals("3.2.7", a.get("package_version"));
    assertEquals(SK_ROOT, a.get("singleton_scope_id"));
    assertEquals(SK_ROOT, a.get("daemon_root"));
    assertTrue(((String) a.get("queue_db_path")).endsWith(".db"));
    assertEquals("https://sync.example.invalid", a.get("server_url"));
    assertEquals(true, a.get("owner_present"));
    assertEquals(11662L, a.get("recorded_pid"));
    assertEquals("spec-kitty", a.get("spawn_shape"));
  }

  @Test
  void aStaleSpecKittyDaemonOfThisUsersRootIsSafeAutoWithTheRecordsReason() {
    String superseded = "http://localhost:9401\n9401\n" + "ab".repeat(16) + "\n22000\n";
    Map<String, FakeProbeContext> cases = new LinkedHashMap<>();
    cases.put(
        "superseded: " + SK_RECORD + " names pid 22000 port 9401",
        specKitty(9400, 11662)
            .file(SK_RECORD, superseded, false)
            .with(FakeProbeContext.process(22000, 1, SPEC_KITTY_CMDLINE, Map.of())));
    cases.put(
        SK_RECORD + " names pid 22000, which is gone",
        specKitty(9400, 11662).file(SK_RECORD, superseded, false));
    cases.put(
        "no singleton record at " + SK_RECORD, specKitty(9400, 11662).file(SK_RECORD, null, false));
    // 3.2.2's health answer has no scope and shows the shared owner file (here a newer daemon's).
    Map<String, Object> old = preScopeHealth();
    old.put("owner", Map.of("pid", 22000, "port", 9401, "token", "<redacted>"));
    cases.put(
        "superseded: " + SK_RECORD + " names pid 22000 port 9401 ",
        specKitty(9400, 11662)
            .json("/api/health", old)
            .file(SK_RECORD, superseded, false)
            .with(FakeProbeContext.process(22000, 1, SPEC_KITTY_CMDLINE, Map.of())));
    // $SPEC_KITTY_HOME names the user's root, wherever HOME is.
    cases.put(
        "no singleton record at " + SK_RECORD + " ",
        specKitty(9400, 11662)
            .file(SK_RECORD, null, false)
            .env("HOME", "/elsewhere")
            .env("SPEC_KITTY_HOME", SK_ROOT));
    for (var c : cases.entrySet()) {
      Identity id = family.identify(c.getValue());
      assertEquals(CleanupClass.SAFE_AUTO, id.cleanupClass(), c.getKey() + ": " + id);
      assertEquals(c.getKey().strip(), id.attributes().get("stale"), c.getKey());
    }
  }

  @Test
  void whatIsNotProvenOrNotTheUsersIsForTheOperatorWithTheReason() {
    Map<String, Object> wrongToken =
        new LinkedHashMap<>(SpecKittyFixtures.json("sync-health.json"));
    wrongToken.put("token", "00".repeat(16));
    Map<String, Object> wrongScope =
        new LinkedHashMap<>(SpecKittyFixtures.json("sync-health.json"));
    wrongScope.put("singleton_scope_id", "/home/other/.spec-kitty");
    Map<String, Object> ownerLies = new LinkedHashMap<>(SpecKittyFixtures.json("sync-health.json"));
    ownerLies.put("owner", Map.of("pid", 5555, "port", 9400));
    Map<String, FakeProbeContext> cases = new LinkedHashMap<>();
    cases.put(
        "cross-root: its spec-kitty root is " + SK_ROOT + ", this user's is /home/me/.spec-kitty",
        specKitty(9400, 11662).file(SK_RECORD, null, false).env("HOME", "/home/me"));
    cases.put(
        "its root " + SK_ROOT + " can be written by others than its user",
        specKitty(9400, 11662).directory(SK_ROOT, 1000, true));
    cases.put(
        "singleton record " + SK_RECORD + " can be written by others than its user",
        specKitty(9400, 11662).file(SK_RECORD, SpecKittyFixtures.text("sync-daemon-record"), true));
    cases.put(
        "its health answer does not hold the token of its own command line",
        specKitty(9400, 11662).json("/api/health", wrongToken));
    cases.put(
        "its command line names root " + SK_ROOT + ", its health answer singleton_scope_id",
        specKitty(9400, 11662).json("/api/health", wrongScope));
    cases.put(
        "its health answer's owner names pid 5555 port 9400, but the listener is pid 11662",
        specKitty(9400, 11662).json("/api/health", ownerLies));
    cases.put("its command line names port 9400, the listener is 9401", specKitty(9401, 11662));
    cases.put(
        "a spec-kitty sync daemon that did not answer health",
        specKitty(9400, 11662).file(SK_RECORD, null, false).silent());
    for (var c : cases.entrySet()) {
      Identity id = family.identify(c.getValue());
      assertEquals(CleanupClass.OPERATOR_REQUIRED, id.cleanupClass(), c.getKey() + ": " + id);
      assertFalse(id.recorded(), c.getKey() + ": " + id);
      assertTrue(
          id.skipReason().startsWith(c.getKey()), c.getKey() + "\n  got: " + id.skipReason());
    }
  }

  @Test
  void aSilentSpecKittyDaemonItsRecordNamesIsStillTheLiveOne() {
    Identity id = family.identify(specKitty(9400, 11662).silent());
    assertTrue(id.recorded(), id.toString());
    assertTrue(id.skipReason().contains("did not answer health"), id.skipReason());
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
