package dev.kitty.shell.command;

import dev.kitty.engine.model.EnsureReport;
import dev.kitty.engine.model.KittyException;
import dev.kitty.engine.model.StopReport;
import dev.kitty.shell.render.Ansi;
import dev.kitty.shell.render.ReportJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code kitty dashboard [--project DIR] [--stop | --cleanup]}: start or reuse the project's
 * dashboard, stop it, or clean every orphaned dashboard of any project.
 */
@Command(
    name = "dashboard",
    description = {
      "Start the project's dashboard, or reuse its live one (orphans of any project are stopped first).",
      "--stop stops it (HTTP shutdown with the token, then TERM, then KILL; the port",
      "verified free). --cleanup stops every proven orphan and removes metadata files",
      "that name dead processes."
    })
public final class DashboardCommand implements Callable<Integer> {

  static final String FAMILY = "dashboard";

  @ParentCommand KittyCommand root;

  @Option(
      names = "--project",
      paramLabel = "DIR",
      description = "The project (default: the current folder).")
  Path project;

  @Option(names = "--stop", description = "Stop the project's dashboard.")
  boolean stop;

  @Option(names = "--cleanup", description = "Stop every orphaned dashboard, of any project.")
  boolean cleanup;

  @Option(
      names = "--open",
      description = "Open the page in the desktop's browser (xdg-open, open or start).")
  boolean open;

  @Override
  public Integer call() {
    if (stop && cleanup) {
      throw new KittyException.Usage("--stop and --cleanup do not go together");
    }
    Path dir =
        (project == null ? Path.of(root.session().env().getOrDefault("PWD", ".")) : project)
            .toAbsolutePath()
            .normalize();
    if (cleanup) {
      StopReport r = root.kitty().cleanup(List.of(FAMILY), false, StopText.progress(root));
      removeStaleMetadata(r);
      return StopText.print(root, r);
    }
    if (!Files.isDirectory(dir)) {
      throw new KittyException.Usage("project folder " + dir + " does not exist");
    }
    if (stop) {
      StopReport r = root.kitty().stopScope(FAMILY, dir.toString(), false, StopText.progress(root));
      removeStaleMetadata(dir);
      if (r.swept().isEmpty() && r.failed().isEmpty() && r.skipped().isEmpty()) {
        root.session().err().println("kitty: no dashboard of " + dir + " is running");
      }
      return StopText.print(root, r);
    }
    Path kittify = dir.resolve(".kittify");
    if (Files.exists(kittify) && !Files.isDirectory(kittify)) {
      throw new KittyException.BadInput(
          kittify
              + " is not a folder: the dashboard records itself in "
              + kittify.resolve(".dashboard")
              + "; nothing was started",
          null);
    }
    if (!Files.isWritable(Files.isDirectory(kittify) ? kittify : dir)) {
      throw new KittyException.BadInput(
          "project folder "
              + dir
              + " is not writable: the dashboard records itself in "
              + kittify.resolve(".dashboard")
              + "; nothing was started",
          null);
    }
    EnsureReport r =
        root.kitty().ensure(FAMILY, dir.toString(), launchEnv(), StopText.progress(root));
    int code = r.cleaned().failed().isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
    // The page and its state answer only with the project's token (ADR 27): the URL carries it
    // once, the page then keeps it in an HttpOnly cookie.
    String url =
        "http://127.0.0.1:"
            + r.port()
            + "/"
            + metadataToken(dir.resolve(".kittify").resolve(".dashboard"), r.pid())
                .map(t -> "?token=" + t)
                .orElse("");
    if (open) {
      openInBrowser(url, r.port());
    }
    PrintWriter out = root.out();
    if (root.jsonOutput()) {
      ObjectNode doc = ReportJson.ensure(r);
      doc.put("url", url);
      doc.put("project", dir.toString());
      out.println(ReportJson.write(doc));
      return code;
    }
    Ansi ansi = root.ansi();
    out.println(
        ansi.bold("dashboard")
            + "  "
            + url
            + "  pid "
            + r.pid()
            + "  "
            + (r.reused() ? ansi.dim("reused") : ansi.paint("32", "started"))
            + "  "
            + ansi.dim(dir.toString()));
    if (!r.cleaned().swept().isEmpty() || !r.cleaned().failed().isEmpty()) {
      StopText.printArrays(r.cleaned(), out, ansi);
    }
    r.notes().forEach(n -> out.println(ansi.paint("33", "note: " + n)));
    return code;
  }

  /**
   * How the dashboard runs kitty for its page's state: this very kitty, with the same state dir.
   */
  private Map<String, String> launchEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    List<String> kitty = new ArrayList<>();
    kitty.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    kitty.addAll(
        List.of(
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "--enable-native-access=dev.kitty.engine"));
    String modulePath = System.getProperty("jdk.module.path");
    if (modulePath != null) {
      kitty.addAll(List.of("--module-path", modulePath));
    }
    kitty.addAll(List.of("-m", "dev.kitty.shell/dev.kitty.shell.Main"));
    // The page shows what this kitty sees: its extra family folders and its config, given as
    // absolute paths because the dashboard runs in the project. Each refresh is a new kitty
    // process, so a family jar dropped in, replaced or removed is on the next refresh (ADR 33).
    KittyCommand.Globals g = root.globals();
    for (Path p : g.familyPaths()) {
      kitty.addAll(List.of("--family-path", p.toAbsolutePath().toString()));
    }
    if (g.config() != null) {
      kitty.addAll(List.of("--config", g.config().toAbsolutePath().toString()));
    }
    env.put("KITTY_COMMAND", dev.kitty.api.support.JsonText.write(kitty));
    env.put("KITTY_STATE_DIR", root.kitty().options().stateDir().toString());
    String test = root.session().env().get("KITTY_TEST");
    if (test != null) {
      env.put("KITTY_TEST", test);
    }
    return env;
  }

  /** After a stop: the project's metadata file, if it names a process that is gone. */
  private static void removeStaleMetadata(Path dir) {
    Path file = dir.resolve(".kittify").resolve(".dashboard");
    Long pid = metadataPid(file);
    if (pid != null && ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // Reported by the next doctor as a stale record; nothing to stop here.
      }
    }
  }

  private static void removeStaleMetadata(StopReport r) {
    for (StopReport.Entry e : r.swept()) {
      if (e.candidate().identity().projectDir().orElse(null) instanceof String p) {
        removeStaleMetadata(Path.of(p));
      }
    }
  }

  /**
   * Hands the page to the desktop's opener and does not wait: the browser is the user's, not a
   * daemon kitty tracks. Not the URL itself: a command line is readable by every local user, so the
   * opener gets a 0600 page in the state dir that sends the browser on to the URL (as Jupyter
   * does).
   */
  private void openInBrowser(String url, int port) {
    Path page =
        root.kitty().options().stateDir().resolve("dashboard").resolve("open-" + port + ".html");
    try {
      Files.createDirectories(page.getParent());
      Files.deleteIfExists(page);
      Files.createFile(
          page,
          java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      Files.writeString(
          page,
          "<!doctype html><meta charset=utf-8><meta http-equiv=refresh content=\"0;url="
              + url
              + "\"><a href=\""
              + url
              + "\">kitty dashboard</a>\n");
    } catch (IOException | UnsupportedOperationException e) {
      root.session().err().println("kitty: cannot write " + page + ": " + e.getMessage());
      return;
    }
    String file = page.toUri().toString();
    List<String> command =
        switch (root.kitty().osFamily()) {
          case "windows" -> List.of("cmd", "/c", "start", "", file);
          case "macos" -> List.of("open", file);
          default -> List.of("xdg-open", file);
        };
    try {
      new ProcessBuilder(command)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      root.session()
          .err()
          .println("kitty: cannot open a browser (" + command.getFirst() + "): " + e.getMessage());
    }
  }

  /** Line 3 of the metadata file (url, port, token, pid), when line 4 names {@code pid}. */
  private static java.util.Optional<String> metadataToken(Path file, long pid) {
    List<String> lines = metadataLines(file);
    if (lines.size() > 3 && lines.get(3).equals(Long.toString(pid))) {
      return java.util.Optional.of(lines.get(2));
    }
    return java.util.Optional.empty();
  }

  private static List<String> metadataLines(Path file) {
    try {
      return dev.kitty.api.support.DaemonProof.readSmallFile(file, 64 * 1024)
          .lines()
          .map(String::strip)
          .filter(l -> !l.isEmpty())
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Line 4 of the spec-kitty format (url, port, token, pid), when there is one. */
  private static Long metadataPid(Path file) {
    List<String> lines = metadataLines(file);
    try {
      return lines.size() > 3 ? Long.parseLong(lines.get(3)) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
