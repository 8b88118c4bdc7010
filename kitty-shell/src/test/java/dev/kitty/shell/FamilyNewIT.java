package dev.kitty.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.testkit.TrackedProcesses;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kitty family new ID} (ADR 35) as an author meets it: the project it writes builds with one
 * Maven command (offline: kitty's artifacts from this build, in a local repository of the test's
 * own, everything else from the machine's), its test runs the family test kit and passes, and the
 * jar it makes passes {@code kitty family verify} and loads as a drop-in.
 */
class FamilyNewIT {

  @RegisterExtension final TrackedProcesses procs = new TrackedProcesses();

  @TempDir Path home;

  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final String VERSION = "0.1.0-SNAPSHOT";

  private KittyRun.Result kitty(String... args) {
    return KittyRun.run(KittyRun.env(home), args);
  }

  /** Runs the repository's Maven wrapper offline over the test's repository; returns its output. */
  private String maven(Path dir, Path repo, String... goals) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ROOT.resolve("mvnw").toString());
    cmd.addAll(
        List.of(
            "-o",
            "-B",
            "-Dmaven.repo.local=" + repo,
            "-Dmaven.repo.local.tail="
                + Path.of(System.getProperty("user.home"), ".m2", "repository")));
    cmd.addAll(List.of(goals));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = procs.start(pb);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "maven did not finish");
    assertEquals(0, p.exitValue(), String.join(" ", goals) + " in " + dir + ":\n" + out);
    return out;
  }

  /** kitty's parent pom and the three artifacts a family build needs, as this build made them. */
  private void seed(Path repo) throws Exception {
    maven(
        ROOT,
        repo,
        "-N",
        "install:install-file",
        "-Dfile=pom.xml",
        "-DpomFile=pom.xml",
        "-Dpackaging=pom");
    for (String module : List.of("kitty-api", "kitty-engine", "kitty-testkit")) {
      maven(
          ROOT,
          repo,
          "-N",
          "install:install-file",
          "-Dfile="
              + ROOT.resolve(module).resolve("target").resolve(module + "-" + VERSION + ".jar"),
          "-DpomFile=" + ROOT.resolve(module).resolve("pom.xml"));
    }
  }

  @Test
  void aNewFamilyBuildsPassesTheKitAndLoads() throws Exception {
    Path project = home.resolve("family-notebooks");
    KittyRun.Result made =
        kitty("family", "new", "notebooks", "--dir", project.toString(), "--range", "8750-8760");
    assertEquals(0, made.code(), made.out() + made.err());
    assertTrue(Files.isRegularFile(project.resolve("src/main/java/module-info.java")), made.out());
    assertTrue(
        Files.isRegularFile(
            project.resolve(
                "src/test/java/dev/kitty/family/notebooks/NotebooksFamilyKitTest.java")));

    Path repo = home.resolve("repo");
    seed(repo);
    String built = maven(project, repo, "verify");
    assertTrue(built.contains("verdict: safe"), "the kit ran in the family's own build:\n" + built);
    Path jar = project.resolve("target/family-notebooks-0.1.0.jar");
    assertTrue(Files.isRegularFile(jar), built);

    KittyRun.Result verified = kitty("family", "verify", jar.toString(), "--examples", "20");
    assertEquals(0, verified.code(), verified.out() + verified.err());
    KittyRun.Result families =
        kitty("--family-path", project.resolve("target").toString(), "families");
    assertTrue(
        families.out().contains("notebooks    [8750, 8760)    0.1.0"),
        families.out() + families.err());
  }

  @Test
  void aBadIdARangeOrAFolderInUseIsAUsageError() throws Exception {
    assertEquals(
        2, kitty("family", "new", "Not-An-Id", "--dir", home.resolve("a").toString()).code());
    assertEquals(
        2,
        kitty("family", "new", "ok", "--dir", home.resolve("b").toString(), "--range", "9-3")
            .code());
    assertEquals(2, kitty("family", "new", "int", "--dir", home.resolve("k").toString()).code());
    assertEquals(2, kitty("family", "new", "sync", "--dir", home.resolve("s").toString()).code());
    Path file = Files.writeString(home.resolve("afile"), "mine");
    assertEquals(2, kitty("family", "new", "ok", "--dir", file.toString()).code());
    Path used = Files.createDirectories(home.resolve("used"));
    Files.writeString(used.resolve("keep.txt"), "mine");
    KittyRun.Result r = kitty("family", "new", "ok", "--dir", used.toString());
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("is not empty"), r.err());
    assertEquals("mine", Files.readString(used.resolve("keep.txt")), "nothing of it is lost");
  }
}
