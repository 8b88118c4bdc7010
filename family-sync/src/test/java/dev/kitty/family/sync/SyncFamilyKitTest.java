package dev.kitty.family.sync;

import dev.kitty.api.FileEvidence;
import dev.kitty.familykit.FamilySample;
import dev.kitty.familykit.FamilyVerifier;
import dev.kitty.familykit.junit.FamilyKitExtension;
import dev.kitty.testkit.SpecKittyFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The family test kit (ADR 35) on the sync family, with spec-kitty's recorded sync daemon as its
 * sample: look-alikes copy that daemon's health answer exactly or altered.
 */
@ExtendWith(FamilyKitExtension.class)
class SyncFamilyKitTest {

  static final String ROOT = "/home/dev/.spec-kitty";

  /**
   * The recorded daemon, its port and pid the world's (argv and health agree with the listener), in
   * its root: with {@code recorded}, the root's singleton record names it (the live daemon of its
   * scope); without, the record is gone (a stale one).
   */
  static FamilySample specKittySyncDaemon(boolean recorded) {
    List<String> args =
        SpecKittyFixtures.cmdline("sync-cmdline.bin").stream()
            .map(a -> a.replace("run_sync_daemon(9400,", "run_sync_daemon({port},"))
            .toList();
    String health =
        SpecKittyFixtures.text("sync-health.json")
            .replace("\"pid\": 11662", "\"pid\": {pid}")
            .replace("\"port\": 9400", "\"port\": {port}");
    List<FileEvidence> files = new ArrayList<>(List.of(FamilySample.folder(ROOT)));
    if (recorded) {
      files.add(
          FamilySample.file(
              ROOT + "/sync-daemon",
              SpecKittyFixtures.text("sync-daemon-record")
                  .replace("9400", "{port}")
                  .replace("11662", "{pid}")));
    }
    return new FamilySample(args, Map.of("/api/health", health), files);
  }

  @Test
  void theSyncFamilyKeepsEveryRuleOfTheKit(FamilyVerifier kit) {
    // The recorded daemon's root is this user's spec-kitty root: its own samples can be stale.
    kit.withEnvironment("SPEC_KITTY_HOME", "/home/dev/.spec-kitty")
        .verify(new SyncFamily(), List.of(specKittySyncDaemon(false), specKittySyncDaemon(true)))
        .assertPassed();
  }
}
