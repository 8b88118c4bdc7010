package dev.kitty.shell.command;

import dev.kitty.engine.model.Confinement;
import dev.kitty.engine.model.LaunchReport;
import dev.kitty.engine.model.LaunchRequest;
import dev.kitty.engine.model.Limits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kitty start FAMILY [--name N] [--port P|auto] [--shell] -- COMMAND...}: a named launch
 * that can never be lost. {@code {port}} in the command, and {@code PORT} in its environment, are
 * the port it got.
 */
@Command(
    name = "start",
    description = {
      "Start a named daemon of a family so that it can never be lost.",
      "Its own session and group, the launch cookie, a record written before the",
      "spawn. Reuses the launch when it is already running and healthy. Exit 1 when",
      "it does not start."
    })
public final class StartCommand implements Callable<Integer> {

  @ParentCommand KittyCommand root;

  @Parameters(index = "0", paramLabel = "FAMILY", description = "The family, e.g. webui.")
  String family;

  @Parameters(
      index = "1..*",
      paramLabel = "COMMAND",
      description = "The command after --; {port} is replaced by the port.")
  List<String> command = new ArrayList<>();

  @Option(names = "--name", paramLabel = "NAME", description = "The launch's name (default).")
  String name = "default";

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "A port in the family's range, or auto (the first free one).")
  String port = "auto";

  @Option(names = "--shell", description = "Run the command through sh -c (cmd.exe /c).")
  boolean shell;

  @Option(
      names = "--health",
      paramLabel = "PATH",
      description = "An HTTP path that must answer 2xx (default: the port listening).")
  String health;

  @Option(
      names = {"--project", "--cwd"},
      paramLabel = "DIR",
      description = "The folder to run it in.")
  Path cwd;

  @Option(
      names = "--scope",
      paramLabel = "SCOPE",
      description = "What it serves, kept in its record; {scope} in the command.")
  String scope;

  @Option(
      names = "--max-processes",
      paramLabel = "N",
      description = "At most N processes; the kernel refuses more forks (cgroup pids.max).")
  int maxProcesses;

  @Option(
      names = "--max-memory-mb",
      paramLabel = "MB",
      description = "At most MB MiB of memory; past it the kernel kills one (memory.max).")
  long maxMemoryMb;

  @Option(
      names = "--max-cpu-percent",
      paramLabel = "P",
      description = "At most P% of one core's CPU time (cpu.max).")
  int maxCpuPercent;

  @Override
  public Integer call() {
    if (maxProcesses < 0 || maxMemoryMb < 0 || maxMemoryMb > 1 << 24 || maxCpuPercent < 0) {
      throw new dev.kitty.engine.model.KittyException.Usage(
          "--max-processes, --max-memory-mb and --max-cpu-percent take a number of 0 or more (0: no"
              + " limit)");
    }
    Map<String, String> env = new LinkedHashMap<>();
    String test = root.session().env().get("KITTY_TEST");
    if (test != null) {
      env.put("KITTY_TEST", test);
    }
    LaunchReport r =
        root.kitty()
            .start(
                new LaunchRequest(
                    family,
                    name,
                    port,
                    shell,
                    command,
                    health,
                    cwd,
                    scope,
                    env,
                    null,
                    new Confinement(
                        null,
                        Limits.NONE,
                        new Limits(maxProcesses, maxMemoryMb * 1024 * 1024, maxCpuPercent))),
                StopText.progress(root));
    root.session().started(family, name);
    return LaunchText.print(root, r, "started");
  }
}
