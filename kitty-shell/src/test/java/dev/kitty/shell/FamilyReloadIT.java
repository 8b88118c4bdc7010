package dev.kitty.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.engine.Kitty;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.shell.command.Session;
import dev.kitty.testkit.PluginJarBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Families installed, replaced and removed while a session runs (ADR 33): what the shell does
 * before each command, on real jars compiled here. A removed family's module layer is really gone
 * once nothing of the session refers to it.
 */
class FamilyReloadIT {

  @TempDir Path home;

  @org.junit.jupiter.api.extension.RegisterExtension
  final dev.kitty.testkit.TrackedProcesses procs = new dev.kitty.testkit.TrackedProcesses();

  private Session session() {
    StringWriter sink = new StringWriter();
    return new Session(
        KittyRun.env(home), new PrintWriter(sink, true), new PrintWriter(sink, true), false);
  }

  /** Copies {@code jar} in as {@code name}, dated as a copy that ended a while ago. */
  private static void install(Path jar, Path folder, String name) throws Exception {
    Path to = folder.resolve(name);
    Files.copy(jar, to, StandardCopyOption.REPLACE_EXISTING);
    Files.setLastModifiedTime(to, FileTime.fromMillis(System.currentTimeMillis() - 10_000));
  }

  /** The test family {@code notebooks} at {@code version}, built in {@code build}. */
  private static Path notebooks(Path build, String version) {
    return PluginJarBuilder.family(
        build,
        "notebooks",
        8890,
        8895,
        "return Identity.neverTouch(\"" + version + "\");",
        version);
  }

  private static Optional<FamilyInfo> family(Kitty k, String id) {
    return k.families().stream().filter(f -> f.id().equals(id)).findFirst();
  }

  @Test
  void aJarDroppedInReplacedAndRemovedIsLoadedReplacedAndUnloadedBeforeTheNextCommand()
      throws Exception {
    Path plugins = Files.createDirectories(home.resolve("families"));
    Path build = home.resolve("build");
    Path v1 = notebooks(build, "0.1.0");
    Path v2 = notebooks(build, "0.2.0");
    Session s = session();
    Kitty first = s.kitty(null, List.of(plugins), null);
    assertTrue(family(first, "notebooks").isEmpty());
    assertEquals(List.of(), s.reloadFamilies(false), "nothing changed");

    install(v1, plugins, "notebooks.jar");
    List<String> loaded = s.reloadFamilies(false);
    assertEquals(1, loaded.size(), loaded.toString());
    assertTrue(
        loaded.getFirst().startsWith("family notebooks 0.1.0 loaded from plugin:"),
        loaded.toString());
    Kitty second = s.kitty(null, List.of(plugins), null);
    assertTrue(family(second, "notebooks").isPresent());
    assertTrue(
        family(first, "notebooks").isEmpty(), "a command on the old engine keeps its families");
    assertFalse(second.familyFoldersChanged());
    assertEquals(List.of(), s.reloadFamilies(false));
    assertEquals(
        family(second, "webui").orElseThrow().family(),
        family(s.kitty(null, List.of(plugins), null), "webui").orElseThrow().family(),
        "what did not change is the same family");

    install(v2, plugins, "notebooks.jar");
    List<String> replaced = s.reloadFamilies(false);
    assertEquals(
        List.of(
            "family notebooks 0.1.0 replaced by 0.2.0 from plugin:"
                + plugins.resolve("notebooks.jar")),
        replaced);

    WeakReference<ClassLoader> layer =
        new WeakReference<>(
            family(s.kitty(null, List.of(plugins), null), "notebooks")
                .orElseThrow()
                .family()
                .getClass()
                .getClassLoader());
    Files.delete(plugins.resolve("notebooks.jar"));
    List<String> removed = s.reloadFamilies(false);
    assertEquals(1, removed.size(), removed.toString());
    assertTrue(
        removed.getFirst().startsWith("family notebooks 0.2.0 unloaded"), removed.toString());
    assertTrue(family(s.kitty(null, List.of(plugins), null), "notebooks").isEmpty());

    first = null;
    second = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (layer.get() != null && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(50);
    }
    assertTrue(layer.get() == null, "the removed family's class loader was collected");
  }

  @Test
  void whileAReplacementIsBeingWrittenTheOldVersionStaysAndFamiliesReloadReadsEveryJar()
      throws Exception {
    Path plugins = Files.createDirectories(home.resolve("families"));
    Path build = home.resolve("build");
    Path v1 = notebooks(build, "0.1.0");
    Path v2 = notebooks(build, "0.2.0");
    Session s = session();
    s.kitty(null, List.of(plugins), null);
    install(v1, plugins, "notebooks.jar");
    s.reloadFamilies(false);
    // The new version, just copied over the old one: not complete yet.
    Files.copy(v2, plugins.resolve("notebooks.jar"), StandardCopyOption.REPLACE_EXISTING);
    List<String> copying = s.reloadFamilies(false);
    assertTrue(copying.toString().contains("being written"), copying.toString());
    assertEquals(
        "0.1.0",
        family(s.kitty(null, List.of(plugins), null), "notebooks").orElseThrow().version(),
        "the old version stays while the new one is written");
    Files.setLastModifiedTime(
        plugins.resolve("notebooks.jar"), FileTime.fromMillis(System.currentTimeMillis() - 10_000));
    List<String> done = s.reloadFamilies(false);
    assertTrue(
        done.toString().contains("family notebooks 0.1.0 replaced by 0.2.0"), done.toString());
    // A forced reload reads every jar again, even one whose size and time did not change.
    List<String> forced = s.reloadFamilies(true);
    assertTrue(
        forced.toString().contains("family notebooks 0.2.0 loaded again"), forced.toString());
  }

  @Test
  void aJarStillBeingWrittenIsRetriedAndLoadedOnceComplete() throws Exception {
    Path plugins = Files.createDirectories(home.resolve("families"));
    Path jar = PluginJarBuilder.family(home.resolve("build"), "halfway", 8890, 8895);
    Session s = session();
    s.kitty(null, List.of(plugins), null);
    byte[] bytes = Files.readAllBytes(jar);
    // Half of it, just written: neither its size nor its time has settled.
    Files.write(plugins.resolve("halfway.jar"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    List<String> first = s.reloadFamilies(false);
    assertEquals(1, first.size(), first.toString());
    assertTrue(first.getFirst().contains("being written"), first.toString());
    assertTrue(s.kitty(null, List.of(plugins), null).familyFoldersChanged(), "retried next time");

    // Half of it, settled: an unreadable zip that is still new is also retried, not given up on.
    Files.setLastModifiedTime(
        plugins.resolve("halfway.jar"), FileTime.fromMillis(System.currentTimeMillis() - 10_000));
    List<String> second = s.reloadFamilies(false);
    assertTrue(second.toString().contains("being written or unreadable"), second.toString());

    install(jar, plugins, "halfway.jar");
    List<String> done = s.reloadFamilies(false);
    assertTrue(done.getFirst().startsWith("family halfway"), done.toString());
    assertTrue(done.getFirst().contains("loaded from"), done.toString());
    assertFalse(s.kitty(null, List.of(plugins), null).familyFoldersChanged());
  }

  @Test
  void watchFollowsTheFamilyFoldersRoundByRound() throws Exception {
    Path plugins = Files.createDirectories(home.resolve("families"));
    Path jar = PluginJarBuilder.family(home.resolve("build"), "notebooks", 8890, 8895);
    Process watch =
        SyncDaemons.startKitty(
            procs,
            home,
            java.util.Map.of(),
            "--family-path",
            plugins.toString(),
            "watch",
            "--interval",
            "0.3");
    StringBuffer out = output(watch);
    dev.kitty.testkit.TrackedProcesses.await(
        "a first round", Duration.ofSeconds(20), () -> out.toString().contains("no runaway"));
    install(jar, plugins, "notebooks.jar");
    dev.kitty.testkit.TrackedProcesses.await(
        "the watch to say the new family",
        Duration.ofSeconds(10),
        () -> out.toString().contains("family notebooks"));
    assertTrue(out.toString().contains("loaded from plugin:"), out.toString());
    assertTrue(watch.isAlive(), "and it goes on watching");
  }

  /** Reads {@code p}'s stdout into a buffer a test can look at while it runs. */
  private static StringBuffer output(Process p) {
    StringBuffer out = new StringBuffer();
    Thread.ofVirtual()
        .start(
            () -> {
              try (var r =
                  new java.io.BufferedReader(
                      new java.io.InputStreamReader(
                          p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  out.append(line).append('\n');
                }
              } catch (java.io.IOException ended) {
                // the process ended
              }
            });
    return out;
  }

  @Test
  void upInTheForegroundSaysADropInAndStillBringsItsStackDownOnSigterm() throws Exception {
    Path plugins = Files.createDirectories(home.resolve("families"));
    Path jar = notebooks(home.resolve("build"), "0.1.0");
    Path stack =
        Files.writeString(
            Files.createDirectories(home.resolve("app")).resolve("kitty-stack.json"),
            """
            {"services": {"idle": {"command": "exec sleep 600"}}}
            """);
    Process up =
        SyncDaemons.startKitty(
            procs,
            home,
            java.util.Map.of(),
            "--family-path",
            plugins.toString(),
            "up",
            "--foreground",
            stack.toString());
    StringBuffer out = output(up);
    dev.kitty.testkit.TrackedProcesses.await(
        "the stack up", Duration.ofSeconds(30), () -> out.toString().contains("services up"));
    install(jar, plugins, "notebooks.jar");
    dev.kitty.testkit.TrackedProcesses.await(
        "up to say the new family: " + out,
        Duration.ofSeconds(10),
        () -> out.toString().contains("kitty | family notebooks 0.1.0 loaded from plugin:"));
    // SIGTERM, as a supervisor sends it (by the handle: Process.destroy closes our end of its
    // pipes)
    up.toHandle().destroy();
    assertTrue(up.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), out.toString());
    String err =
        new String(up.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    dev.kitty.testkit.TrackedProcesses.await(
        "the whole stack down: " + out + err,
        Duration.ofSeconds(5),
        () -> out.toString().contains("kitty | down: nothing of the stack is left"));
  }

  @Test
  void theDashboardsStateFollowsTheFamilyFoldersOfTheKittyThatStartedIt() throws Exception {
    Path plugins = Files.createDirectories(home.resolve("families"));
    Path jar = notebooks(home.resolve("build"), "0.1.0");
    Path project = Files.createDirectories(home.resolve("project")).toRealPath();
    KittyRun.Result started =
        SyncDaemons.kitty(
            procs,
            home,
            java.util.Map.of(),
            "--family-path",
            plugins.toString(),
            "--json",
            "dashboard",
            "--project",
            project.toString());
    assertEquals(0, started.code(), started.out() + started.err());
    int port = started.json().get("port").asInt();
    String token = Files.readAllLines(project.resolve(".kittify/.dashboard")).get(2);
    java.util.function.Supplier<String> state =
        () -> {
          try {
            return WebSecurityIT.request(
                    port, "GET", "/api/state", "127.0.0.1:" + port, "Authorization: token " + token)
                .body();
          } catch (Exception e) {
            return e.toString();
          }
        };
    String before = state.get();
    assertTrue(before.contains("\"families\""), before);
    assertFalse(before.contains("\"notebooks\""), before);
    install(jar, plugins, "notebooks.jar");
    dev.kitty.testkit.TrackedProcesses.await(
        "the family on the dashboard's state (refreshed every 2 s)",
        Duration.ofSeconds(20),
        () -> state.get().contains("\"notebooks\""));
    KittyRun.Result stop =
        SyncDaemons.kitty(
            procs,
            home,
            java.util.Map.of(),
            "dashboard",
            "--stop",
            "--project",
            project.toString());
    assertEquals(0, stop.code(), stop.out() + stop.err());
  }
}
