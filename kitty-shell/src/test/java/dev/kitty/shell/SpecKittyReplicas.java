package dev.kitty.shell;

import dev.kitty.testkit.TrackedProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts kitty's replicas of spec-kitty's dashboard and sync daemon exactly as spec-kitty starts
 * the real ones (the recorded command-line layout, a session of their own), and writes the record
 * files spec-kitty's CLI writes once a daemon answered (src/test/resources/fixtures/spec-kitty).
 */
final class SpecKittyReplicas {

  private SpecKittyReplicas() {}

  static final Path PACKAGE = Path.of("src/test/resources/fixtures/spec-kitty").toAbsolutePath();

  /** A 32-hex-digit token, as {@code secrets.token_hex(16)} makes one. */
  static String token(int n) {
    return String.format("%032x", 0xd13ae408L * 1_000_003L + n);
  }

  /** {@code python -c '… run_dashboard_server(Path('PROJECT'), PORT, 'TOKEN')'}. */
  static Process dashboard(TrackedProcesses procs, Path project, int port, String token) {
    return dashboard(procs, List.of(), project, port, token);
  }

  /** As above, run through {@code prefix} (e.g. {@code setpriv} as another user). */
  static Process dashboard(
      TrackedProcesses procs, List<String> prefix, Path project, int port, String token) {
    String script =
        "\nimport sys\nfrom pathlib import Path\nrepo_root = Path('"
            + PACKAGE
            + "')\n# Always insert at position 0 to ensure correct spec-kitty version takes priority\n"
            + "sys.path.insert(0, str(repo_root))\n"
            + "from specify_cli.dashboard.server import run_dashboard_server\n"
            + "run_dashboard_server(Path('"
            + project
            + "'), "
            + port
            + ", '"
            + token
            + "')\n";
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of("setsid", "python3", "-c", script));
    return procs.start(
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD));
  }

  /** What spec-kitty's CLI writes once its dashboard answered: url, port, token, pid (0600). */
  static void metadata(Path project, int port, String token, long pid) throws Exception {
    writePrivate(
        project.resolve(".kittify/.dashboard"),
        "http://127.0.0.1:" + port + "\n" + port + "\n" + token + "\n" + pid + "\n");
  }

  /**
   * {@code python -c '… run_sync_daemon(PORT, 'TOKEN')' --spec-kitty-daemon-root=ROOT
   * --spec-kitty-daemon-exec=…} of spec-kitty {@code version}.
   */
  static Process sync(TrackedProcesses procs, Path root, int port, String token, String version)
      throws Exception {
    return sync(procs, root, port, token, version, List.of());
  }

  /** As above, run through {@code prefix} (e.g. {@code setpriv} as another user). */
  static Process sync(
      TrackedProcesses procs,
      Path root,
      int port,
      String token,
      String version,
      List<String> prefix)
      throws Exception {
    Files.createDirectories(root);
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
    String script =
        "import os\nos.environ[\"SPEC_KITTY_SYNC_MINIMAL_IMPORT\"] = \"1\"\nimport sys\n"
            + "sys.path.insert(0, '"
            + PACKAGE
            + "')\nfrom specify_cli.sync.daemon import run_sync_daemon\nrun_sync_daemon("
            + port
            + ", '"
            + token
            + "')\n";
    List<String> command = new ArrayList<>(prefix);
    command.addAll(
        List.of(
            "setsid",
            "python3",
            "-c",
            script,
            "--spec-kitty-daemon-root=" + root,
            "--spec-kitty-daemon-exec=python3"));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("SPEC_KITTY_CLI_VERSION", version);
    return procs.start(pb);
  }

  /** What spec-kitty's CLI writes once its sync daemon answered: {@code ROOT/sync-daemon}. */
  static void syncRecord(Path root, int port, String token, long pid) throws Exception {
    writePrivate(
        root.resolve("sync-daemon"),
        "http://localhost:" + port + "\n" + port + "\n" + token + "\n" + pid + "\n");
  }

  private static void writePrivate(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    Path tmp = Files.createTempFile(file.getParent(), ".tmp", "");
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(tmp, text);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
