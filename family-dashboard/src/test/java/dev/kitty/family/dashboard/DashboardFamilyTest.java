package dev.kitty.family.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.api.CleanupClass;
import dev.kitty.api.Identity;
import dev.kitty.api.IdentitySource;
import dev.kitty.testkit.FakeProbeContext;
import dev.kitty.testkit.SpecKittyFixtures;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard probe's decisions on the recorded bytes of a real spec-kitty dashboard (ADR 26):
 * its command line, its health answer and its metadata file, with the project path moved to a real
 * folder where the project must exist.
 */
class DashboardFamilyTest {

  private final DashboardFamily family = new DashboardFamily();
  private static final String RECORDED_PROJECT = "/home/dev/work/shop";
  private static final String TOKEN = "d13ae408c287b05408c45fbc4a578ca7";

  @TempDir Path tmp;

  private String project() {
    return tmp.toAbsolutePath().toString();
  }

  private String meta() {
    return project() + "/.kittify/.dashboard";
  }

  private static List<String> cmdline(String project) {
    return SpecKittyFixtures.cmdline("dashboard-cmdline.bin").stream()
        .map(a -> a.replace(RECORDED_PROJECT, project))
        .toList();
  }

  private static Map<String, Object> health(String project) {
    Map<String, Object> h = new LinkedHashMap<>(SpecKittyFixtures.json("dashboard-health.json"));
    h.put("project_path", project);
    return h;
  }

  /** The recorded dashboard, its project moved to a real folder. */
  private FakeProbeContext dashboard(long pid) {
    // The project is there (the probe reads it through its context, as every piece of evidence).
    return new FakeProbeContext(DashboardFamily.RANGE, 9237, pid)
        .with(FakeProbeContext.process(pid, 1, cmdline(project()), Map.of()))
        .json("/api/health", health(project()))
        .directory(String.valueOf(project()), 1000, false);
  }

  private String metadata(long pid, int port, String token) {
    return "http://127.0.0.1:" + port + "\n" + port + "\n" + token + "\n" + pid + "\n";
  }

  @Test
  void theDashboardItsMetadataNamesIsTheLiveOne() {
    Identity id =
        family.identify(
            dashboard(11617).file(meta(), SpecKittyFixtures.text("dashboard-metadata"), false));
    assertTrue(id.recorded(), id.toString());
    assertEquals(IdentitySource.METADATA_FILE, id.source());
    assertEquals("the live dashboard on record for " + project(), id.skipReason());
    assertEquals(project(), id.attributes().get("project_dir"));
    assertEquals(meta(), id.attributes().get("metadata_file"));
    assertEquals("spec-kitty", id.attributes().get("spawn_shape"));
  }

  @Test
  void theRecordedBytesAsTheyAreAreAnOrphanOfADeletedProject() {
    FakeProbeContext ctx =
        new FakeProbeContext(DashboardFamily.RANGE, 9237, 11617L)
            .with(
                FakeProbeContext.process(
                    11617, 1, SpecKittyFixtures.cmdline("dashboard-cmdline.bin"), Map.of()))
            .json("/api/health", SpecKittyFixtures.json("dashboard-health.json"));
    Identity id = family.identify(ctx);
    assertEquals(CleanupClass.SAFE_AUTO, id.cleanupClass(), id.toString());
    assertEquals("project deleted: " + RECORDED_PROJECT + " is gone", id.attributes().get("stale"));
    assertEquals(List.of("/api/health"), ctx.asked(), "asked as spec-kitty asks: plainly, once");
  }

  @Test
  void aDashboardItsProjectsMetadataNoLongerNamesIsSuperseded() {
    FakeProbeContext superseded =
        dashboard(11617)
            .file(meta(), metadata(22000, 9238, "ab".repeat(16)), false)
            .with(FakeProbeContext.process(22000, 1, cmdline(project()), Map.of()));
    Identity id = family.identify(superseded);
    assertEquals(CleanupClass.SAFE_AUTO, id.cleanupClass(), id.toString());
    assertEquals("superseded by pid 22000 (port 9238)", id.attributes().get("stale"));
    // spec-kitty's own bug kills the pid of a stale record; kitty only says it is stale.
    FakeProbeContext stale =
        dashboard(11617)
            .file(meta(), metadata(22000, 9238, "ab".repeat(16)), false)
            .with(FakeProbeContext.process(22000, 1, List.of("vim", "notes.txt"), Map.of()));
    Identity orphan = family.identify(stale);
    assertEquals(CleanupClass.SAFE_AUTO, orphan.cleanupClass(), orphan.toString());
    assertTrue(
        ((String) orphan.attributes().get("stale")).contains("not a dashboard of the project"),
        orphan.toString());
  }

  @Test
  void whatIsNotProvenOrNotRecordedIsForTheOperatorWithTheReason() {
    Map<String, Object> otherToken = health(project());
    otherToken.put("token", "00".repeat(16));
    Map<String, Object> otherProject = health(project());
    otherProject.put("project_path", "/home/dev/work/other");
    Map<String, FakeProbeContext> cases = new LinkedHashMap<>();
    cases.put("no metadata file " + meta(), dashboard(11617));
    cases.put(
        "metadata file " + meta() + " can be written by others",
        dashboard(11617).file(meta(), SpecKittyFixtures.text("dashboard-metadata"), true));
    cases.put(
        "metadata file " + meta() + " is malformed: line 2 is not a port: abc",
        dashboard(11617).file(meta(), "http://127.0.0.1:9237\nabc\n", false));
    cases.put(
        "metadata file " + meta() + " names its pid with port 9237 or another token",
        dashboard(11617).file(meta(), metadata(11617, 9237, "ff".repeat(16)), false));
    cases.put(
        "its health answer does not hold the token of its own command line",
        dashboard(11617).json("/api/health", otherToken));
    cases.put(
        "its health answer names project /home/dev/work/other",
        dashboard(11617).json("/api/health", otherProject));
    cases.put("a spec-kitty dashboard that did not answer health", dashboard(11617).silent());
    cases.put(
        "its command line names port 9237, the listener is 9240",
        new FakeProbeContext(DashboardFamily.RANGE, 9240, 11617L)
            .with(FakeProbeContext.process(11617, 1, cmdline(project()), Map.of()))
            .json("/api/health", health(project())));
    for (var c : cases.entrySet()) {
      Identity id = family.identify(c.getValue());
      assertEquals(CleanupClass.OPERATOR_REQUIRED, id.cleanupClass(), c.getKey() + ": " + id);
      assertFalse(id.recorded(), c.getKey());
      assertTrue(
          id.skipReason().startsWith(c.getKey()), c.getKey() + "\n  got: " + id.skipReason());
    }
  }

  @Test
  void aSilentDashboardItsMetadataNamesIsStillTheLiveOne() {
    Identity id =
        family.identify(
            dashboard(11617)
                .silent()
                .file(meta(), SpecKittyFixtures.text("dashboard-metadata"), false));
    assertTrue(id.recorded(), id.toString());
    assertTrue(id.skipReason().contains("did not answer health"), id.skipReason());
  }

  @Test
  void aLookAlikeWithTheRightAnswerButAnotherCommandLineIsNotProven() {
    FakeProbeContext lookAlike =
        new FakeProbeContext(DashboardFamily.RANGE, 9237, 11617L)
            .with(
                FakeProbeContext.process(
                    11617, 1, List.of("python3", "-m", "http.server", "9237"), Map.of()))
            .json("/api/health", health(project()))
            .file(meta(), SpecKittyFixtures.text("dashboard-metadata"), false);
    Identity id = family.identify(lookAlike);
    assertEquals(CleanupClass.OPERATOR_REQUIRED, id.cleanupClass());
    assertFalse(id.recorded());
    assertTrue(id.skipReason().endsWith("not proven"), id.skipReason());
    FakeProbeContext plain =
        new FakeProbeContext(DashboardFamily.RANGE, 9240, 5L)
            .with(
                FakeProbeContext.process(5, 1, List.of("python3", "-m", "http.server"), Map.of()));
    assertEquals(CleanupClass.NEVER_TOUCH, family.identify(plain).cleanupClass());
  }

  @Test
  void aSilentListenerIsAskedOnce() {
    FakeProbeContext silent =
        new FakeProbeContext(DashboardFamily.RANGE, 9242, 7L)
            .with(FakeProbeContext.process(7, 1, List.of("python3", "-c", "listen"), Map.of()))
            .silent();
    assertEquals(CleanupClass.NEVER_TOUCH, family.identify(silent).cleanupClass());
    assertEquals(
        1, silent.asked().size(), "a silent listener costs one deadline: " + silent.asked());
  }

  @Test
  void metadataFilesOfEveryAgeAreRead() {
    assertEquals(
        new DashboardMetadata("http://127.0.0.1:9237", 9237, null, null, null),
        DashboardMetadata.parse("http://127.0.0.1:9237\n9237\n"));
    assertEquals(
        new DashboardMetadata("u", 9240, "tok", null, null),
        DashboardMetadata.parse("u\n\n9240\ntok\n"));
    assertEquals(
        new DashboardMetadata(
            "http://127.0.0.1:9237", 9237, "d13ae408c287b05408c45fbc4a578ca7", 11617L, null),
        DashboardMetadata.parse(SpecKittyFixtures.text("dashboard-metadata")));
    assertEquals(77L, DashboardMetadata.parse("u\n9240\ntok\n12\n77\n").startTicks());
    DashboardMetadata written =
        new DashboardMetadata("http://127.0.0.1:9240", 9240, "tok", 12L, 77L);
    assertEquals(
        written, DashboardMetadata.parse(written.format()), "what the daemon writes reads back");
    assertEquals(
        "http://127.0.0.1:9240\n9240\ntok\n12\n77\n", written.format(), "spec-kitty's line order");
    for (String bad :
        new String[] {"", "only-url\n", "u\n99999\n", "u\n9240\nt\n-3\n", "u\n9240\nt\nx\n"}) {
      assertThrows(IllegalArgumentException.class, () -> DashboardMetadata.parse(bad), bad);
    }
  }
}
