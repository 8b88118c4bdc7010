package dev.kitty.shell.command;

import dev.kitty.engine.model.LaunchReport;
import dev.kitty.engine.model.LaunchRequest;
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

  @Override
  public Integer call() {
    Map<String, String> env = new LinkedHashMap<>();
    String test = root.session().env().get("KITTY_TEST");
    if (test != null) {
      env.put("KITTY_TEST", test);
    }
    LaunchReport r =
        root.kitty()
            .start(
                new LaunchRequest(family, name, port, shell, command, health, cwd, scope, env),
                StopText.progress(root));
    root.session().started(family, name);
    return LaunchText.print(root, r, "started");
  }
}
