package dev.kitty.engine.internal.stack;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One service of a dev stack, as a {@code Procfile} line or a {@code kitty-stack.json} entry gives
 * it.
 *
 * @param name the service's name (a launch name: letters, digits, '.', '_', '-')
 * @param command the command line, run by the platform shell (as foreman runs Procfile lines)
 * @param cwd the folder it runs in, relative ones resolved against the stack file's folder
 * @param env extra environment
 * @param port its port in the devstack range, or 0 when it has none
 * @param healthPath an HTTP path that must answer 2xx, or null (the port accepting, if any)
 * @param dependsOn services that must be healthy before it starts
 * @param stopGrace how long {@code down} waits after TERM before KILL
 * @param maxProcesses the most processes it may have (0: no limit)
 * @param maxRssBytes the most resident memory it may use together (0: no limit)
 * @param cpuPercent the most CPU it may use, as a share of one core (0: no limit)
 * @param startTimeout how long it may take to become healthy, or null for the family's default
 * @param line where it is defined in its file (1-based), for messages
 */
public record StackService(
    String name,
    String command,
    String cwd,
    Map<String, String> env,
    int port,
    String healthPath,
    List<String> dependsOn,
    Duration stopGrace,
    int maxProcesses,
    long maxRssBytes,
    int cpuPercent,
    java.time.Duration startTimeout,
    int line) {

  /** The folder it runs in: its {@code cwd} resolved against the stack file's folder. */
  public java.nio.file.Path folder(java.nio.file.Path stackFolder) {
    return cwd == null ? stackFolder : stackFolder.resolve(cwd);
  }

  /** Its limits, for its cgroup (ADR 30). */
  public dev.kitty.engine.model.Limits limits() {
    return new dev.kitty.engine.model.Limits(maxProcesses, maxRssBytes, cpuPercent);
  }

  /** Copies the collections. */
  public StackService {
    env = Map.copyOf(env);
    dependsOn = List.copyOf(dependsOn);
  }
}
