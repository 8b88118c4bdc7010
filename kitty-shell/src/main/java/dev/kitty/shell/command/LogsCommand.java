package dev.kitty.shell.command;

import dev.kitty.engine.model.KittyException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code kitty logs SERVICE [-f] [--file FILE]}: a service's output, from its log file. */
@Command(
    name = "logs",
    description = "Show the output of a dev stack's service (-f: keep following it).")
public final class LogsCommand implements Callable<Integer> {

  @ParentCommand KittyCommand root;

  @Parameters(paramLabel = "SERVICE", description = "The service's name in the stack file.")
  String service;

  @Option(
      names = "--file",
      paramLabel = "FILE",
      description = "The stack file (default: kitty-stack.json or Procfile here).")
  Path file;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing what the service writes until interrupted.")
  boolean follow;

  @Option(
      names = {"-n", "--lines"},
      paramLabel = "N",
      description = "Start with the last N lines (default: all).")
  int lines = -1;

  @Override
  public Integer call() throws IOException {
    Path log = root.kitty().stackLog(StackText.resolve(file, false), service);
    PrintWriter out = root.out();
    if (!Files.exists(log)) {
      throw new KittyException.Failed("the log " + log + " of " + service + " is gone");
    }
    long offset = 0;
    if (lines >= 0) {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      all.subList(Math.max(0, all.size() - lines), all.size()).forEach(out::println);
      offset = Files.size(log);
    }
    offset = copy(log, offset, out);
    while (follow && !Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      if (Files.exists(log) && Files.size(log) < offset) {
        offset = 0; // truncated: start over
      }
      offset = copy(log, offset, out);
    }
    return ExitCodes.OK;
  }

  /** Prints the log from {@code offset} on and returns where it ended. */
  static long copy(Path log, long offset, PrintWriter out) throws IOException {
    try (InputStream in = Files.newInputStream(log)) {
      in.skipNBytes(Math.min(offset, Files.size(log)));
      byte[] rest = in.readAllBytes();
      if (rest.length > 0) {
        out.print(new String(rest, StandardCharsets.UTF_8));
        out.flush();
      }
      return offset + rest.length;
    }
  }
}
