package dev.kitty.family.dashboard;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.kitty.api.CleanupClass;
import dev.kitty.api.Identity;
import dev.kitty.api.support.DaemonProof;
import dev.kitty.api.support.JsonText;
import dev.kitty.testkit.FakeProbeContext;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding 1 of the safety review (ADR 18 addendum), over generated worlds: a kitty dashboard whose
 * marker proves it is judged by its project's records alone. However it answers health — in time,
 * not at all, refused, without its proofs — one its project's metadata file names is never {@code
 * safe_auto}; and only a gone project, or metadata naming another daemon or none, makes one stale.
 */
class DashboardSilenceTest {

  @TempDir Path project;

  private static final String STATE = "/tmp/kitty-state";
  private static final String NONCE = "0123456789abcdef0123456789abcdef";
  private static final String TOKEN = "fedcba9876543210fedcba9876543210";

  enum Health {
    ANSWERS,
    SILENT,
    REFUSED,
    NO_PROOFS
  }

  enum Metadata {
    NAMES_IT,
    NAMES_ANOTHER,
    ABSENT,
    MALFORMED,
    WORLD_WRITABLE_NAMES_IT
  }

  record World(long pid, int port, boolean projectExists, Health health, Metadata metadata) {}

  private FakeProbeContext context(World w) {
    String dir = w.projectExists() ? project.toString() : project.resolve("deleted").toString();
    FakeProbeContext ctx =
        new FakeProbeContext(DashboardFamily.RANGE, w.port(), w.pid())
            .with(
                FakeProbeContext.process(
                    w.pid(),
                    1,
                    List.of(
                        "java", "-m", DashboardFamily.DAEMON_MAIN, "--project", dir, "--port", ""),
                    Map.of()));
    Map<String, Object> marker = new LinkedHashMap<>();
    marker.put("schema_version", 1);
    marker.put("daemon_family", "dashboard");
    marker.put("nonce", NONCE);
    marker.put("pid", w.pid());
    marker.put("port", w.port());
    marker.put("start_time", "1970-01-01T00:00:00Z");
    marker.put("project_dir", dir);
    ctx.file(
        DashboardDaemon.markerFile(Path.of(STATE), w.pid()).toString(),
        JsonText.write(marker),
        false);
    String meta = dir + "/.kittify/.dashboard";
    String url = "http://127.0.0.1:" + w.port();
    switch (w.metadata()) {
      case NAMES_IT -> ctx.file(meta, url + "\n" + w.port() + "\n" + TOKEN + "\n" + w.pid(), false);
      case WORLD_WRITABLE_NAMES_IT ->
          ctx.file(meta, url + "\n" + w.port() + "\n" + TOKEN + "\n" + w.pid(), true);
      case NAMES_ANOTHER ->
          ctx.file(meta, url + "\n" + w.port() + "\n" + TOKEN + "\n" + (w.pid() + 1), false);
      case MALFORMED -> ctx.file(meta, "not a dashboard file", false);
      case ABSENT -> {}
    }
    switch (w.health()) {
      case ANSWERS, NO_PROOFS ->
          ctx.json(
              "/api/health",
              path -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("status", "ok");
                body.put("daemon_family", "dashboard");
                body.put("project_path", dir);
                body.put("pid", w.pid());
                body.put("port", w.port());
                int q = path.indexOf(DaemonProof.CHALLENGE + "=");
                if (q > 0 && w.health() == Health.ANSWERS) {
                  String challenge = path.substring(q + DaemonProof.CHALLENGE.length() + 1);
                  body.put("marker_proof", DaemonProof.proof(NONCE, challenge));
                  body.put("token_proof", DaemonProof.proof(TOKEN, challenge));
                }
                return body;
              });
      case SILENT -> ctx.silent();
      case REFUSED -> {}
    }
    return ctx;
  }

  @Test
  void aDashboardItsProjectNamesIsNeverSafeAutoHoweverItAnswers() {
    DashboardFamily family = new DashboardFamily();
    qt().withExamples(1000)
        .forAll(integers().all())
        .checkAssert(
            seed -> {
              Random r = new Random(seed);
              World w =
                  new World(
                      2 + r.nextInt(4_000_000),
                      DashboardFamily.RANGE.from() + r.nextInt(100),
                      r.nextInt(4) != 0,
                      Health.values()[r.nextInt(Health.values().length)],
                      Metadata.values()[r.nextInt(Metadata.values().length)]);
              Identity id = family.identify(context(w));
              String where = "seed " + seed + " " + w + ": " + id;
              boolean named = w.projectExists() && w.metadata() == Metadata.NAMES_IT;
              boolean unreadable =
                  w.projectExists()
                      && (w.metadata() == Metadata.MALFORMED
                          || w.metadata() == Metadata.WORLD_WRITABLE_NAMES_IT);
              if (named || unreadable) {
                assertNotEquals(CleanupClass.SAFE_AUTO, id.cleanupClass(), where);
              }
              if (id.cleanupClass() == CleanupClass.SAFE_AUTO) {
                assertTrue(
                    !w.projectExists()
                        || w.metadata() == Metadata.NAMES_ANOTHER
                        || w.metadata() == Metadata.ABSENT,
                    "stale only by the records: " + where);
              }
              if (named && w.health() != Health.NO_PROOFS) {
                assertTrue(id.recorded(), "the live one, in time or silent: " + where);
              }
            });
  }

  @Test
  void aSilentLiveDashboardSaysWhyItIsStillTheLiveOne() {
    Identity id =
        new DashboardFamily()
            .identify(context(new World(4242, 9237, true, Health.SILENT, Metadata.NAMES_IT)));
    assertTrue(id.recorded(), id.toString());
    assertNotEquals(CleanupClass.SAFE_AUTO, id.cleanupClass());
    assertTrue(id.skipReason().contains("did not answer health"), id.skipReason());
  }
}
