package dev.kitty.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kitty.testkit.TrackedProcesses;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution the build made (ADR 22), used as a user would: unpacked somewhere else and run
 * with no Java on the {@code PATH}.
 */
class DistributionIT {

  @RegisterExtension final TrackedProcesses procs = new TrackedProcesses();

  @TempDir Path home;

  private record Run(int code, String out) {}

  private Run run(List<String> cmd) throws Exception {
    return run(cmd, java.util.Map.of());
  }

  private Run run(List<String> cmd, java.util.Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(KittyRun.env(home));
    pb.environment().putAll(env);
    pb.environment().put("PATH", "/usr/bin:/bin"); // no JDK here: /usr/bin/java is not used
    pb.environment().put("KITTY_TEST", TrackedProcesses.RUN_ID);
    Process p = procs.start(pb);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Run(p.exitValue(), out);
  }

  @Test
  void theTarballRunsFromAnywhereWithItsOwnRuntimeCompletionAndManPages() throws Exception {
    Path tarball;
    try (Stream<Path> s = Files.list(Path.of("target/dist"))) {
      tarball = s.filter(f -> f.toString().endsWith("-linux-x64.tar.gz")).findFirst().orElseThrow();
    }
    Path opt = Files.createDirectories(home.resolve("opt"));
    assertEquals(
        0,
        run(List.of("tar", "-xzf", tarball.toAbsolutePath().toString(), "-C", opt.toString()))
            .code());
    Path root;
    try (Stream<Path> s = Files.list(opt)) {
      root = s.findFirst().orElseThrow();
    }
    Path kitty = root.resolve("bin/kitty");
    Run version = run(List.of(kitty.toString(), "--version"));
    assertEquals(0, version.code(), version.out());
    assertTrue(version.out().startsWith("kitty "), version.out());
    Run families = run(List.of(kitty.toString(), "--json", "families"));
    assertEquals(0, families.code(), families.out());
    for (String id : List.of("dashboard", "sync", "webui", "devstack")) {
      assertTrue(families.out().contains("\"id\":\"" + id + "\""), families.out());
    }
    assertTrue(
        Files.exists(root.resolve("runtime/bin/java")), "the runtime image is inside the tarball");
    // The runtime's AOT cache is used where the tarball was unpacked: with AOTMode=on, a JVM that
    // cannot use its cache refuses to start instead of silently starting slower.
    assertTrue(Files.size(root.resolve("runtime/lib/kitty.aot")) > 1_000_000, "an AOT cache");
    Run strict =
        run(
            List.of(kitty.toString(), "--version"),
            java.util.Map.of("JAVA_TOOL_OPTIONS", "-XX:AOTMode=on"));
    assertEquals(0, strict.code(), "the AOT cache matches the unpacked runtime: " + strict.out());

    // A daemon starts from the runtime image too: its module is inside the image, on no path (the
    // first benchmark of the distribution found `--module-path` given an empty path).
    Path project = Files.createDirectories(home.resolve("project"));
    Run dashboard =
        run(List.of(kitty.toString(), "--json", "dashboard", "--project", project.toString()));
    assertEquals(0, dashboard.code(), dashboard.out());
    assertTrue(dashboard.out().contains("\"reused\":false"), dashboard.out());
    Run stopped =
        run(
            List.of(
                kitty.toString(),
                "--json",
                "dashboard",
                "--project",
                project.toString(),
                "--stop"));
    assertEquals(0, stopped.code(), stopped.out());

    String completion = Files.readString(root.resolve("share/completion/kitty.bash"));
    assertTrue(completion.contains("complete -F"), "a bash completion script");
    assertTrue(completion.contains("doctor") && completion.contains("down"), "with the commands");

    Path page = root.resolve("share/man/man1/kitty-doctor.1");
    String troff = Files.readString(page);
    assertTrue(troff.startsWith(".TH \"KITTY-DOCTOR\" 1"), troff);
    assertTrue(troff.contains(".SH EXIT STATUS"), troff);
    assumeTrue(TrackedProcesses.onPath("man"), "man is not installed: the page is not rendered");
    Run man = run(List.of("man", "-l", "-P", "cat", page.toString()));
    assertEquals(0, man.code(), man.out());
    assertTrue(man.out().contains("kitty doctor"), man.out());
  }

  /**
   * The AOT training (ADR 22 addendum) stops a dashboard of its own, so that a cold stop finds its
   * classes linked; run here with the distribution's runtime, as {@code scripts/dist.sh} runs it.
   * It once removed the orphan's project as soon as the port answered, before the daemon had
   * written its metadata file there, which made the directory again: the "orphan" was then the live
   * dashboard of its project and nothing was stopped (seen with this runtime, not every time).
   */
  @Test
  void theAotTrainingStopsAnOrphanDashboardOfItsOwn() throws Exception {
    Path runtime;
    try (Stream<Path> s = Files.list(Path.of("target/dist"))) {
      runtime =
          s.filter(Files::isDirectory)
              .findFirst()
              .orElseThrow()
              .resolve("runtime")
              .toAbsolutePath();
    }
    Path cache = home.resolve("trained.aot");
    Run trained =
        run(
            List.of(
                "bash",
                "-c",
                "root=$0; . \"$root/scripts/jvm.sh\"; "
                    + "kitty_train_aot \"$1\" \"$2/bin/java\" \"${kitty_jvm_flags[@]}\"",
                Path.of("..").toAbsolutePath().normalize().toString(),
                cache.toString(),
                runtime.toString()));
    assertEquals(0, trained.code(), "the orphan was not stopped by the training: " + trained.out());
    assertTrue(Files.size(cache) > 0, "the cache is written");
  }
}
