package dev.kitty.shell.command;

import dev.kitty.api.ProcessView;
import dev.kitty.engine.model.CgroupUsage;
import dev.kitty.engine.model.KittyException;
import dev.kitty.engine.model.StackReport;
import dev.kitty.shell.render.Ansi;
import dev.kitty.shell.render.CandidateText;
import dev.kitty.shell.render.ReportJson;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** Output and file lookup shared by {@code up}, {@code down}, {@code ps} and {@code logs}. */
public final class StackText {

  private StackText() {}

  /** The stack files looked for in the current folder, in this order. */
  static final List<String> DEFAULT_FILES = List.of("kitty-stack.json", "Procfile");

  /**
   * {@code file} as given, or the first of {@link #DEFAULT_FILES} in the current folder.
   *
   * @param mustExist whether the file must exist (up); down, ps and logs work from the record, so
   *     for them the default is the path even when the file is gone
   */
  public static Path resolve(Path file, boolean mustExist) {
    if (file != null) {
      if (mustExist && !Files.isRegularFile(file)) {
        throw new KittyException.Usage("stack file " + file.toAbsolutePath() + " does not exist");
      }
      return file;
    }
    Path here = Path.of("").toAbsolutePath();
    for (String name : DEFAULT_FILES) {
      if (Files.isRegularFile(here.resolve(name))) {
        return here.resolve(name);
      }
    }
    throw new KittyException.Usage(
        "no kitty-stack.json or Procfile in " + here + "; give the stack file, e.g. kitty up FILE");
  }

  /** The environment every service gets from the session (its test run id, so tests find it). */
  static Map<String, String> env(KittyCommand root) {
    Map<String, String> env = new LinkedHashMap<>();
    String test = root.session().env().get("KITTY_TEST");
    if (test != null) {
      env.put("KITTY_TEST", test);
    }
    return env;
  }

  /** One line per service event on stderr, on a terminal only and never with --json. */
  static Consumer<String> progress(KittyCommand root) {
    if (!root.session().terminal() || root.jsonOutput()) {
      return line -> {};
    }
    PrintWriter err = root.session().err();
    return line -> {
      err.println("  " + line);
      err.flush();
    };
  }

  /** The report of up or down; exit 1 when anything survived a down. */
  static int print(KittyCommand root, StackReport r, String verb) {
    PrintWriter out = root.out();
    if (root.jsonOutput()) {
      out.println(ReportJson.write(ReportJson.stack(r)));
    } else {
      Ansi ansi = root.ansi();
      out.println(ansi.bold(verb) + "  " + r.file() + "  " + ansi.dim("stack " + r.stack()));
      for (StackReport.Service s : r.services()) {
        String color =
            switch (s.state()) {
              case "started", "stopped", "running" -> "32";
              case "reused", "not running", "not started" -> "36";
              default -> "31";
            };
        out.println(
            "  "
                + pad(s.name(), 14)
                + ansi.paint(color, pad(s.state(), 12))
                + (s.pid() > 0 ? " pid " + s.pid() : "")
                + (s.port() > 0 ? " port " + s.port() : "")
                + (s.millis() > 0 && !s.state().equals("reused")
                    ? ansi.dim("  " + s.millis() + " ms")
                    : "")
                + (s.error() == null ? "" : "  " + ansi.paint("31", s.error())));
      }
      printSurvivors(r, out, ansi);
      r.notes().forEach(n -> out.println(ansi.dim("note: " + n)));
    }
    boolean failed =
        !r.survivors().isEmpty() || r.services().stream().anyMatch(s -> s.state().equals("failed"));
    return failed ? ExitCodes.FAILED : ExitCodes.OK;
  }

  private static void printSurvivors(StackReport r, PrintWriter out, Ansi ansi) {
    if (r.survivors().isEmpty()) {
      return;
    }
    out.println(ansi.paint("31", "still alive with the stack's cookie: " + r.survivors().size()));
    for (ProcessView p : r.survivors()) {
      out.println(
          "  "
              + ansi.paint("31", p.pid() + " " + CandidateText.abbreviate(p.commandLine(), 70))
              + ansi.dim("  service " + p.cookies().get("KITTY_SERVICE")));
    }
  }

  /** What the kernel counts for a service's cgroup, as {@code ps} shows it (ADR 30). */
  static String cgroupText(CgroupUsage u) {
    StringBuilder b = new StringBuilder();
    if (u.tasks() >= 0) {
      b.append("  tasks ").append(u.tasks());
      b.append(u.maxTasks() > 0 ? "/" + u.maxTasks() : "");
    }
    if (u.memoryBytes() >= 0) {
      b.append("  mem ").append(mib(u.memoryBytes()));
      b.append(u.maxMemoryBytes() > 0 ? "/" + mib(u.maxMemoryBytes()) : "");
    }
    if (u.oomKills() > 0) {
      b.append("  oom kills ").append(u.oomKills());
    }
    if (u.refusedForks() > 0) {
      b.append("  forks refused ").append(u.refusedForks());
    }
    return b.toString();
  }

  /** {@code kitty ps}: each service's tree, like pstree, with state, RSS and CPU, then totals. */
  static int printPs(KittyCommand root, StackReport r) {
    PrintWriter out = root.out();
    if (root.jsonOutput()) {
      out.println(ReportJson.write(ReportJson.stack(r)));
      return ExitCodes.OK;
    }
    Ansi ansi = root.ansi();
    out.println(ansi.bold("stack") + "  " + r.file() + "  " + ansi.dim(r.stack()));
    for (StackReport.Service s : r.services()) {
      String color = s.state().equals("running") ? "32" : s.state().equals("stopped") ? "36" : "31";
      out.println(
          ansi.bold(pad(s.name(), 14))
              + ansi.paint(color, pad(s.state(), 12))
              + (s.port() > 0 ? " port " + s.port() : "")
              + ansi.dim(
                  String.format(
                      "  %d proc  %s  %.1f%% cpu",
                      s.members().size(), mib(s.rssBytes()), s.cpuPercent()))
              + ansi.dim(cgroupText(s.usage())));
      drawTree(s.members(), out, ansi);
    }
    if (!r.survivors().isEmpty()) {
      out.println(
          ansi.paint(
              "31",
              "not of any service on record, with the stack's cookie: " + r.survivors().size()));
      drawTree(r.survivors(), out, ansi);
    }
    out.println(
        ansi.bold("total") + "  " + r.processes() + " processes, " + mib(r.rssBytes()) + " RSS");
    r.notes().forEach(n -> out.println(ansi.dim("note: " + n)));
    return ExitCodes.OK;
  }

  /** The members as a forest: roots are those whose parent is not a member. */
  private static void drawTree(List<ProcessView> members, PrintWriter out, Ansi ansi) {
    Set<Long> pids = new HashSet<>();
    members.forEach(m -> pids.add(m.pid()));
    for (ProcessView m : members) {
      if (!pids.contains(m.ppid())) {
        drawNode(m, members, "  ", true, out, ansi, new HashSet<>());
      }
    }
  }

  private static void drawNode(
      ProcessView p,
      List<ProcessView> members,
      String indent,
      boolean last,
      PrintWriter out,
      Ansi ansi,
      Set<Long> seen) {
    if (!seen.add(p.pid())) {
      return;
    }
    out.println(
        indent
            + (last ? "└─ " : "├─ ")
            + p.pid()
            + " "
            + ansi.dim("[" + p.state() + "]")
            + " "
            + CandidateText.abbreviate(p.commandLine(), 60)
            + ansi.dim("  " + mib(p.rssBytes()))
            + (p.sid() == p.pid() ? ansi.dim("  session") : ""));
    List<ProcessView> children = new ArrayList<>();
    for (ProcessView c : members) {
      if (c.ppid() == p.pid()) {
        children.add(c);
      }
    }
    for (int i = 0; i < children.size(); i++) {
      drawNode(
          children.get(i),
          members,
          indent + (last ? "   " : "│  "),
          i == children.size() - 1,
          out,
          ansi,
          seen);
    }
  }

  private static String mib(long bytes) {
    return bytes < 0 ? "?" : String.format("%.1f MiB", bytes / 1048576.0);
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
  }
}
