package dev.kitty.shell;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kitty.testkit.FixtureDaemons;
import dev.kitty.testkit.TrackedProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell end to end, as a person uses it: kitty in a real pseudo-terminal (tmux), keys sent with
 * {@code send-keys}, the screen read with {@code capture-pane}. tmux runs on a socket of this
 * test's own ({@code -L}), and its server is ended by its PID afterwards.
 */
class ShellTmuxIT {

  @RegisterExtension final TrackedProcesses procs = new TrackedProcesses();

  @TempDir Path home;

  private final String socket = "kitty-it-" + ProcessHandle.current().pid();

  private String tmux(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
    cmd.addAll(List.of(args));
    Process p = procs.start(new ProcessBuilder(cmd).redirectErrorStream(true));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.SECONDS), "tmux " + args[0] + " finished");
    return out;
  }

  private String screen() {
    try {
      return tmux("capture-pane", "-p", "-t", "k");
    } catch (IOException | InterruptedException e) {
      return "";
    }
  }

  /**
   * The screen with its colours ({@code capture-pane -e}), written as a capture for the docs:
   * {@code target/captures/NAME.{txt,html,png}} (docs/captures holds the copies the guide shows).
   */
  private String capture(String name) throws Exception {
    String ansi = tmux("capture-pane", "-p", "-e", "-t", "k");
    Path page = TerminalCapture.write(CAPTURES, name, ansi);
    if (TrackedProcesses.onPath("chromium")) {
      Path png = CAPTURES.resolve(name + ".png");
      long lines = TerminalCapture.plain(ansi).lines().count();
      Chromium.run(
          procs,
          home,
          page.toUri().toString(),
          "--screenshot=" + png,
          "--window-size=1000," + (40 + 18 * lines));
      assertTrue(Files.size(png) > 5_000, "a screenshot of the capture: " + png);
    }
    return ansi;
  }

  private static final Path CAPTURES =
      Path.of(System.getProperty("user.dir"), "target", "captures");

  /** Ctrl-L, then waits until {@code gone} (something the screen showed) is off it. */
  private void clearScreen(String gone) throws Exception {
    tmux("send-keys", "-t", "k", "C-l");
    TrackedProcesses.await(
        "a cleared screen", Duration.ofSeconds(10), () -> !screen().contains(gone));
  }

  private void awaitScreen(String what, String text) {
    try {
      TrackedProcesses.await(what, Duration.ofSeconds(30), () -> screen().contains(text));
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage() + "; the screen and its scrollback:\n" + scrollback());
    }
  }

  private String scrollback() {
    try {
      return tmux("capture-pane", "-p", "-t", "k", "-S", "-200");
    } catch (IOException | InterruptedException e) {
      return "";
    }
  }

  @AfterEach
  void endTheServer() throws Exception {
    String pid = tmux("display-message", "-p", "-t", "k", "#{pid}").strip();
    if (pid.matches("\\d+")) {
      ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroy);
    }
  }

  /** kitty's shell in a 150×50 tmux pane whose terminal claims to be {@code term}. */
  private void startShell(String term) throws Exception {
    String kitty =
        String.join(
            " ",
            "env",
            "TERM=" + term,
            SyncDaemons.java(),
            "-p",
            System.getProperty("kitty.module.path"),
            "--enable-native-access=dev.kitty.engine,org.jline.terminal.ffm",
            "-m",
            "dev.kitty.shell/dev.kitty.shell.Main");
    ProcessBuilder pb =
        new ProcessBuilder(
            "tmux",
            "-L",
            socket,
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "k",
            "-x",
            "150",
            "-y",
            "50",
            kitty);
    pb.environment().putAll(KittyRun.env(home));
    Process start = procs.start(pb);
    assertTrue(start.waitFor(10, TimeUnit.SECONDS));
  }

  @Test
  void aTerminalOfUnknownTypeGetsOneLineAboutItAndAWorkingShell() throws Exception {
    assumeTrue(TrackedProcesses.onPath("tmux"), "tmux is installed by .ci/run");
    startShell("kitty-no-such-terminal");
    awaitScreen("the shell's greeting", "kitty shell");
    String greeting = screen();
    assertTrue(
        greeting.contains("kitty: terminal: unable to retrieve infocmp for type"),
        "one line says what is missing:\n" + greeting);
    assertTrue(!greeting.contains("Exception"), "and no stack trace:\n" + greeting);

    tmux("send-keys", "-t", "k", "gho", "Tab");
    awaitScreen("completion", "kitty> ghosts");
    tmux("send-keys", "-t", "k", "Enter");
    awaitScreen("the command's answer", "no ghost sockets");
    tmux("send-keys", "-t", "k", "sacn", "Enter");
    awaitScreen("the nearest command suggested", "Did you mean 'kitty scan'?");
    tmux("send-keys", "-t", "k", "families", "Enter");
    awaitScreen("the session kept after the typo", "FAMILY");
    tmux("send-keys", "-t", "k", "exit", "Enter");
    TrackedProcesses.await(
        "the shell to leave", Duration.ofSeconds(15), () -> !screen().contains("FAMILY"));
  }

  @Test
  void tabCompletesScanShowsTheMapAndTheShellLeavesOnExit() throws Exception {
    assumeTrue(TrackedProcesses.onPath("tmux"), "tmux is installed by .ci/run");
    // A third-party web server in the devstack range: the map draws it as never_touch.
    FixtureDaemons.plainHttpServer(procs, TrackedProcesses.freePort(3000, 3100));
    startShell("xterm-256color");
    awaitScreen("the shell's greeting", "kitty shell");

    tmux("send-keys", "-t", "k", "famili", "Tab"); // "fam" is families or family
    awaitScreen("the completed command", "kitty> families");
    tmux("send-keys", "-t", "k", "Enter");
    awaitScreen("the families table", "FAMILY");

    tmux("send-keys", "-t", "k", "scan", "Enter");
    awaitScreen("the scan", "devstack [3000, 3100)");
    tmux("send-keys", "-t", "k", "map --no-color", "Enter");
    awaitScreen("the port map", "ports held");

    // The coloured map on a clean screen: the third-party server's cell is red (never_touch).
    clearScreen("ports held");
    tmux("send-keys", "-t", "k", "map devstack webui", "Enter");
    awaitScreen("the coloured port map", "legend");
    String map = capture("map");
    assertTrue(
        java.util.regex.Pattern.compile("\u001b\\[(?:[0-9;]*;)?31m").matcher(map).find(),
        "a never_touch cell is drawn red:\n" + map);

    // The full-screen watch: map and findings, refreshed; q leaves and restores the screen.
    tmux("send-keys", "-t", "k", "watch --interval 1", "Enter");
    awaitScreen("the watch view", "q quits");
    assertTrue(screen().contains("ports held"), "the map is part of the view: " + screen());
    assertTrue(screen().contains("no runaway"), "and the findings: " + screen());
    capture("watch");
    tmux("send-keys", "-t", "k", "q");
    TrackedProcesses.await(
        "the view to close", Duration.ofSeconds(15), () -> !screen().contains("q quits"));
    tmux("send-keys", "-t", "k", "ghosts", "Enter");
    awaitScreen("the shell, back after the view", "no ghost sockets");

    // A multi-line paste (bracketed, as terminals paste): every line runs, in order, on Enter.
    clearScreen("no ghost");
    tmux("set-buffer", "-b", "block", "families --json\nghosts\nstatus");
    tmux("paste-buffer", "-p", "-b", "block", "-t", "k");
    tmux("send-keys", "-t", "k", "Enter");
    awaitScreen("the pasted block's last command", "no launches on record");
    String pasted = screen();
    int families = pasted.indexOf("{\"families\":[");
    int ghosts = pasted.indexOf("no ghost sockets");
    assertTrue(
        families >= 0 && ghosts > families && pasted.indexOf("no launches on record") > ghosts,
        "the three pasted commands ran in order:\n" + pasted);

    tmux("send-keys", "-t", "k", "exit", "Enter");
    TrackedProcesses.await(
        "the shell to leave", Duration.ofSeconds(15), () -> !screen().contains("kitty>"));
  }

  /**
   * Copies {@code jar} into the shell's family folder as {@code name}, dated {@code ageMillis} ago.
   */
  private Path dropIn(Path jar, String name, long ageMillis) throws Exception {
    Path folder = Files.createDirectories(home.resolve("config/kitty/families"));
    Path to = folder.resolve(name);
    Files.copy(jar, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.setLastModifiedTime(
        to, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - ageMillis));
    return to;
  }

  @Test
  void familiesDroppedInReplacedRemovedBrokenAndHalfWrittenWhileTheShellRuns() throws Exception {
    Path build = home.resolve("build");
    Path v1 =
        dev.kitty.testkit.PluginJarBuilder.family(
            build, "notebooks", 8890, 8895, "return Identity.neverTouch(\"v1\");", "0.1.0");
    Path v2 =
        dev.kitty.testkit.PluginJarBuilder.family(
            build, "notebooks", 8890, 8895, "return Identity.neverTouch(\"v2\");", "0.2.0");
    startShell("xterm-256color");
    awaitScreen("the shell's greeting", "kitty shell");
    tmux("send-keys", "-t", "k", "families", "Enter");
    awaitScreen("the families table", "FAMILY");

    dropIn(v1, "notebooks.jar", 10_000);
    tmux("send-keys", "-t", "k", "scan notebooks", "Enter");
    awaitScreen("the new family, said", "family notebooks 0.1.0 loaded from");
    awaitScreen("and scanned with", "notebooks [8890, 8895)");

    clearScreen("loaded from");
    dropIn(v2, "notebooks.jar", 10_000);
    tmux("send-keys", "-t", "k", "families", "Enter");
    awaitScreen("the replacement, said", "family notebooks 0.1.0 replaced by 0.2.0");

    clearScreen("replaced by");
    Files.delete(home.resolve("config/kitty/families/notebooks.jar"));
    tmux("send-keys", "-t", "k", "scan notebooks", "Enter");
    awaitScreen("the removal, said", "family notebooks 0.2.0 unloaded");
    awaitScreen("and the family gone", "unknown family");

    clearScreen("unloaded");
    Path junk = Files.writeString(build.resolve("junk.jar"), "not a zip at all");
    dropIn(junk, "broken.jar", 120_000);
    byte[] half = java.util.Arrays.copyOf(Files.readAllBytes(v1), (int) Files.size(v1) / 2);
    Path halfJar = Files.write(build.resolve("half.jar"), half);
    dropIn(halfJar, "half.jar", 0);
    tmux("send-keys", "-t", "k", "families", "Enter");
    awaitScreen("the broken jar, rejected", "broken.jar rejected: not a readable module jar");
    awaitScreen("the half-written one, retried", "being written");
    tmux("send-keys", "-t", "k", "ghosts", "Enter");
    awaitScreen("the shell, still working", "no ghost sockets");

    // While the prompt waits, with no key pressed: the idle watch says it above the prompt.
    clearScreen("no ghost sockets");
    dropIn(v1, "notebooks.jar", 10_000);
    awaitScreen("a drop-in seen while idle", "family notebooks 0.1.0 loaded from");
    tmux("send-keys", "-t", "k", "scan notebooks", "Enter");
    awaitScreen("and scanned with at once", "notebooks [8890, 8895)");
    tmux("send-keys", "-t", "k", "exit", "Enter");
    TrackedProcesses.await(
        "the shell to leave", Duration.ofSeconds(15), () -> !screen().contains("kitty>"));
  }
}
