package dev.kitty.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kitty.testkit.TrackedProcesses;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Another user's process in a family range (issue 10): a node server without kitty's cookie in the
 * devstack range, which the family would leave to the operator when it is the user's own, run as a
 * second user that this test creates ({@code useradd}; CI runs as root). kitty, even as root, lists
 * it as never_touch and refuses to signal it unless {@code --all-users} is given.
 */
class OtherUsersIT {

  static final String USER = "kittyother";

  @RegisterExtension final TrackedProcesses procs = new TrackedProcesses();

  @TempDir Path home;

  @BeforeAll
  static void secondUserAndNode() throws Exception {
    assumeTrue(TrackedProcesses.onPath("node"), "node is installed by .ci/run");
    secondUser();
  }

  /** Creates {@link #USER} (skips the test when not root or without useradd and setpriv). */
  static void secondUser() throws Exception {
    assumeTrue(
        "root".equals(System.getProperty("user.name")), "needs root to create a second user");
    assumeTrue(TrackedProcesses.onPath("useradd") && TrackedProcesses.onPath("setpriv"));
    Process add =
        new ProcessBuilder("useradd", "--system", "--no-create-home", USER)
            .redirectErrorStream(true)
            .start();
    assertTrue(add.waitFor(30, TimeUnit.SECONDS));
    // 0 created; 9 the user exists already (an earlier run on this machine).
    assertTrue(add.exitValue() == 0 || add.exitValue() == 9, "useradd exit " + add.exitValue());
  }

  /** The words that run a command as {@link #USER}. */
  static List<String> asSecondUser() {
    return List.of("setpriv", "--reuid=" + USER, "--regid=" + USER, "--clear-groups");
  }

  /**
   * A node server on {@code port} as the second user, no kitty cookie: the devstack family's kind.
   */
  private Process otherUsersNodeServer(int port) {
    List<String> cmd = new ArrayList<>(asSecondUser());
    cmd.addAll(List.of(nodeServer(port)));
    Process p = procs.start(cmd.toArray(String[]::new));
    TrackedProcesses.awaitListening("127.0.0.1", port, Duration.ofSeconds(15));
    return p;
  }

  /** The words of a node web server on {@code port} (the devstack family's kind of process). */
  private static String[] nodeServer(int port) {
    return new String[] {
      "node",
      "-e",
      "require('http').createServer((q, s) => s.end('hi')).listen(" + port + ", '127.0.0.1')"
    };
  }

  private JsonNode candidate(JsonNode scan, int port) {
    for (JsonNode c : scan.get("families").get(0).get("candidates")) {
      if (c.get("port").asInt() == port) {
        return c;
      }
    }
    throw new AssertionError("no candidate on " + port + ": " + scan);
  }

  @Test
  void anotherUsersProcessIsNeverTouchedWithoutAllUsersEvenByRoot() {
    int port = TrackedProcesses.freePort(3000, 3100);
    Process node = otherUsersNodeServer(port);

    JsonNode c =
        candidate(KittyRun.run(KittyRun.env(home), "--json", "scan", "devstack").json(), port);
    assertEquals(node.pid(), c.get("pid").asLong());
    assertEquals(USER, c.get("process").get("user").asString());
    assertEquals("never_touch", c.get("cleanup_class").asString(), c.toString());
    assertTrue(
        c.get("skip_reason").asString().startsWith("owned by user " + USER + " (uid "),
        c.toString());

    // The operator's reset and an explicit kill both refuse it, and it lives on.
    KittyRun.Result reset =
        KittyRun.run(KittyRun.env(home), "--json", "doctor", "devstack", "--reset");
    assertEquals(0, reset.json().get("swept").size(), reset.out());
    KittyRun.Result kill = KittyRun.run(KittyRun.env(home), killWords(node.pid()));
    assertEquals(0, kill.json().get("swept").size(), kill.out());
    assertTrue(node.isAlive(), "another user's process was not signalled");

    // Root with --all-users classifies it like its own (the family leaves a node server without
    // a cookie to the operator), and the operator's kill then stops it.
    JsonNode all =
        candidate(
            KittyRun.run(KittyRun.env(home), "--json", "--all-users", "scan", "devstack").json(),
            port);
    assertEquals("operator_required", all.get("cleanup_class").asString(), all.toString());
    KittyRun.Result allKill =
        KittyRun.run(KittyRun.env(home), killWords(node.pid(), "--all-users"));
    assertEquals(0, allKill.code(), allKill.out() + allKill.err());
    assertEquals(node.pid(), allKill.json().get("swept").get(0).get("pid").asLong());
    TrackedProcesses.await("the server to end", Duration.ofSeconds(10), () -> !node.isAlive());
  }

  @Test
  void kittyRunAsAnotherUserCannotReachRootsProcessEvenWithAllUsers() throws Exception {
    // --all-users is honoured only when kitty runs as root; here it runs as the second user.
    int port = TrackedProcesses.freePort(3000, 3100);
    Process rootsServer = procs.start(nodeServer(port));
    TrackedProcesses.awaitListening("127.0.0.1", port, Duration.ofSeconds(15));
    // The second user's own state and config folders: kitty refuses folders it cannot own.
    Path theirs = java.nio.file.Files.createTempDirectory("kitty-other-");
    new ProcessBuilder("chown", "-R", USER + ":" + USER, theirs.toString()).start().waitFor();
    String[] words = killWords(rootsServer.pid(), "--all-users");
    List<String> command =
        new ArrayList<>(List.of("setpriv", "--reuid=" + USER, "--regid=" + USER, "--clear-groups"));
    command.addAll(SyncDaemons.kittyCommand(words));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("KITTY_STATE_DIR", theirs.resolve("state").toString());
    pb.environment().put("XDG_CONFIG_HOME", theirs.resolve("config").toString());
    pb.environment().put("HOME", theirs.toString());
    KittyRun.Result r =
        SyncDaemons.finish(procs.start(pb.redirectError(ProcessBuilder.Redirect.PIPE)), words);
    // Not root, kitty cannot even see which process holds root's socket: it refuses, naming why.
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(
        r.err().contains("belongs to user root") && r.err().contains("only root with --all-users"),
        r.err());
    assertTrue(rootsServer.isAlive(), "root's process was not signalled");
    try (var files = java.nio.file.Files.walk(theirs)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.delete(f);
      }
    }
  }

  /** {@code --json [GLOBALS] kill PID --family devstack}: the operator's explicit stop. */
  private static String[] killWords(long pid, String... globals) {
    List<String> words = new ArrayList<>(List.of("--json"));
    words.addAll(List.of(globals));
    words.addAll(List.of("kill", Long.toString(pid), "--family", "devstack"));
    return words.toArray(String[]::new);
  }
}
