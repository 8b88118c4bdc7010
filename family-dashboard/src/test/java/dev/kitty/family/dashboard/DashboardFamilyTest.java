package dev.kitty.family.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.api.CleanupClass;
import dev.kitty.api.Identity;
import dev.kitty.api.IdentitySource;
import dev.kitty.testkit.FakeProbeContext;
import dev.kitty.testkit.SpecKittyFixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dashboard probe's decisions on the recorded output of a real spec-kitty dashboard. */
class DashboardFamilyTest {

  private final DashboardFamily family = new DashboardFamily();
  private static final String META = "/home/dev/work/shop/.kittify/.dashboard";

  private FakeProbeContext dashboard(long pid) {
    return new FakeProbeContext(DashboardFamily.RANGE, 9237, pid)
        .with(
            FakeProbeContext.process(
                pid, 1, SpecKittyFixtures.cmdline("dashboard-cmdline.bin"), Map.of()))
        .json("/api/health", SpecKittyFixtures.json("dashboard-health.json"));
  }

  @Test
  void theRecordedDashboardNamedByItsMetadataIsTheLiveOne() {
    Identity id =
        family.identify(
            dashboard(11617).file(META, SpecKittyFixtures.text("dashboard-metadata"), false));
    assertTrue(id.recorded());
    assertEquals(IdentitySource.METADATA_FILE, id.source());
    assertEquals("the live dashboard on record for /home/dev/work/shop", id.skipReason());
    assertEquals("/home/dev/work/shop", id.attributes().get("project_dir"));
    assertEquals(META, id.attributes().get("metadata_file"));
  }

  @Test
  void aDashboardItsMetadataDoesNotNameIsAnOrphanForTheOperator() {
    Identity id =
        family.identify(
            dashboard(4242).file(META, SpecKittyFixtures.text("dashboard-metadata"), false));
    assertEquals(CleanupClass.OPERATOR_REQUIRED, id.cleanupClass());
    assertEquals(
        "dashboard of /home/dev/work/shop that its metadata file does not name (it names port 9237, pid 11617)",
        id.skipReason());
  }

  @Test
  void forgeableOrMissingEvidenceProvesNothing() {
    assertEquals(
        "metadata file " + META + " is world-writable or another user's: not evidence",
        family
            .identify(
                dashboard(11617).file(META, SpecKittyFixtures.text("dashboard-metadata"), true))
            .skipReason());
    assertEquals(
        "dashboard of /home/dev/work/shop but its metadata file: no such file",
        family.identify(dashboard(11617)).skipReason());
    assertEquals(
        "metadata file " + META + " is malformed: line 2 is not a port: abc",
        family
            .identify(dashboard(11617).file(META, "http://127.0.0.1:9237\nabc\n", false))
            .skipReason());
    assertEquals(
        "health token does not match the metadata file's token",
        family
            .identify(
                dashboard(11617).file(META, "http://127.0.0.1:9237\n9237\nffff\n11617\n", false))
            .skipReason());
  }

  @Test
  void aPlainHttpServerIsAThirdParty() {
    FakeProbeContext plain =
        new FakeProbeContext(DashboardFamily.RANGE, 9240, 5L)
            .with(
                FakeProbeContext.process(5, 1, List.of("python3", "-m", "http.server"), Map.of()));
    Identity id = family.identify(plain);
    assertEquals(CleanupClass.NEVER_TOUCH, id.cleanupClass());
    FakeProbeContext shaped =
        new FakeProbeContext(DashboardFamily.RANGE, 9241, 6L)
            .with(
                FakeProbeContext.process(
                    6, 1, SpecKittyFixtures.cmdline("dashboard-cmdline.bin"), Map.of()));
    assertEquals(
        CleanupClass.OPERATOR_REQUIRED,
        family.identify(shaped).cleanupClass(),
        "a dashboard's command line that does not answer");
  }

  @Test
  void aSilentListenerIsAskedOnceAndAServerThatRefusesTheQueryIsAskedPlainly() {
    FakeProbeContext silent =
        new FakeProbeContext(DashboardFamily.RANGE, 9242, 7L)
            .with(FakeProbeContext.process(7, 1, List.of("python3", "-c", "listen"), Map.of()))
            .silent();
    assertEquals(CleanupClass.NEVER_TOUCH, family.identify(silent).cleanupClass());
    assertEquals(
        1, silent.asked().size(), "a silent listener costs one deadline: " + silent.asked());

    FakeProbeContext refuses =
        new FakeProbeContext(DashboardFamily.RANGE, 9243, 8L)
            .with(
                FakeProbeContext.process(
                    8, 1, SpecKittyFixtures.cmdline("dashboard-cmdline.bin"), Map.of()))
            .refusesQuery("/api/health", 400, "unknown parameter")
            .json("/api/health", SpecKittyFixtures.json("dashboard-health.json"));
    Identity id = family.identify(refuses);
    assertEquals(2, refuses.asked().size(), "asked: " + refuses.asked());
    assertTrue(refuses.asked().get(0).startsWith("/api/health?"));
    assertEquals("/api/health", refuses.asked().get(1));
    assertTrue(
        id.skipReason().startsWith("dashboard of /home/dev/work/shop"),
        "the plain answer was read: " + id.skipReason());
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
