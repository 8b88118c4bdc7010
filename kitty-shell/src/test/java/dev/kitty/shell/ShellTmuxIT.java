package dev.kitty.shell;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kitty.testkit.TrackedProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

  private void awaitScreen(String what, String text) {
    TrackedProcesses.await(
        what + " on screen:\n" + screen(), Duration.ofSeconds(30), () -> screen().contains(text));
  }

  @AfterEach
  void endTheServer() throws Exception {
    String pid = tmux("display-message", "-p", "-t", "k", "#{pid}").strip();
    if (pid.matches("\\d+")) {
      ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroy);
    }
  }

  @Test
  void tabCompletesScanShowsTheMapAndTheShellLeavesOnExit() throws Exception {
    assumeTrue(TrackedProcesses.onPath("tmux"), "tmux is installed by .ci/run");
    String kitty =
        String.join(
            " ",
            SyncDaemons.java(),
            "-p",
            System.getProperty("kitty.module.path"),
            "--enable-native-access=dev.kitty.engine",
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
    pb.environment().put("TERM", "xterm-256color");
    Process start = procs.start(pb);
    assertTrue(start.waitFor(10, TimeUnit.SECONDS));
    awaitScreen("the shell's greeting", "kitty shell");

    tmux("send-keys", "-t", "k", "fam", "Tab");
    awaitScreen("the completed command", "kitty> families");
    tmux("send-keys", "-t", "k", "Enter");
    awaitScreen("the families table", "FAMILY");

    tmux("send-keys", "-t", "k", "scan", "Enter");
    awaitScreen("the scan", "devstack [3000, 3100)");
    tmux("send-keys", "-t", "k", "map --no-color", "Enter");
    awaitScreen("the port map", "ports held");

    // The full-screen watch: map and findings, refreshed; q leaves and restores the screen.
    tmux("send-keys", "-t", "k", "watch --interval 1", "Enter");
    awaitScreen("the watch view", "q quits");
    assertTrue(screen().contains("ports held"), "the map is part of the view: " + screen());
    assertTrue(screen().contains("no runaway"), "and the findings: " + screen());
    tmux("send-keys", "-t", "k", "q");
    TrackedProcesses.await(
        "the view to close", Duration.ofSeconds(15), () -> !screen().contains("q quits"));
    tmux("send-keys", "-t", "k", "ghosts", "Enter");
    awaitScreen("the shell, back after the view", "no ghost sockets");

    tmux("send-keys", "-t", "k", "exit", "Enter");
    TrackedProcesses.await(
        "the shell to leave", Duration.ofSeconds(15), () -> !screen().contains("kitty>"));
  }
}
