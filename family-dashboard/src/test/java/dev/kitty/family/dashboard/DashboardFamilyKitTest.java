package dev.kitty.family.dashboard;

import dev.kitty.api.FileEvidence;
import dev.kitty.familykit.FamilySample;
import dev.kitty.familykit.FamilyVerifier;
import dev.kitty.familykit.junit.FamilyKitExtension;
import dev.kitty.testkit.SpecKittyFixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The family test kit (ADR 35) on the dashboard family, with spec-kitty's recorded dashboard as its
 * sample: look-alikes copy its health answer (project path and token) exactly or altered.
 */
@ExtendWith(FamilyKitExtension.class)
class DashboardFamilyKitTest {

  static final String PROJECT = "/home/dev/work/shop";

  /**
   * The recorded dashboard on the world's port (argv and health agree): with {@code live}, its
   * project exists and the metadata file names it; without, the project was deleted.
   */
  static FamilySample specKittyDashboard(boolean live) {
    List<String> args =
        SpecKittyFixtures.cmdline("dashboard-cmdline.bin").stream()
            .map(a -> a.replace("), 9237, '", "), {port}, '"))
            .toList();
    List<FileEvidence> files =
        live
            ? List.of(
                FamilySample.folder(PROJECT),
                FamilySample.folder(PROJECT + "/.kittify"),
                FamilySample.file(
                    PROJECT + "/.kittify/.dashboard",
                    SpecKittyFixtures.text("dashboard-metadata")
                        .replace("9237", "{port}")
                        .replace("11617", "{pid}")))
            : List.of();
    return new FamilySample(
        args, Map.of("/api/health", SpecKittyFixtures.text("dashboard-health.json")), files);
  }

  @Test
  void theDashboardFamilyKeepsEveryRuleOfTheKit(FamilyVerifier kit) {
    kit.verify(new DashboardFamily(), List.of(specKittyDashboard(false), specKittyDashboard(true)))
        .assertPassed();
  }
}
