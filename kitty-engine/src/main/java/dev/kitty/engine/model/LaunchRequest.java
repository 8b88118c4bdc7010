package dev.kitty.engine.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@code kitty start FAMILY} was asked.
 *
 * <p>Stability: experimental.
 *
 * @param family the family id
 * @param name the launch's name (default {@code default}), unique in the family
 * @param port {@code auto} or a port in the family's range
 * @param shell whether the command words are joined and run by the platform shell
 * @param command the command words; empty: the family's own launch command
 * @param healthPath an HTTP path that must answer 2xx, or null (the port listening is enough)
 * @param cwd the folder to run it in ({@code --project})
 * @param scope the scope it is for ({@code --scope}; {@code {scope}} in the command), or null
 * @param env extra environment for it
 * @param startTimeout how long it may take to become healthy, or null for the family's default
 * @param confinement its cgroup's group and limits (ADR 30)
 */
public record LaunchRequest(
    String family,
    String name,
    String port,
    boolean shell,
    List<String> command,
    String healthPath,
    Path cwd,
    String scope,
    Map<String, String> env,
    java.time.Duration startTimeout,
    Confinement confinement) {

  /** A request with the family's start timeout. */
  public LaunchRequest(
      String family,
      String name,
      String port,
      boolean shell,
      List<String> command,
      String healthPath,
      Path cwd,
      String scope,
      Map<String, String> env) {
    this(family, name, port, shell, command, healthPath, cwd, scope, env, null, Confinement.NONE);
  }

  /** Copies the lists; no confinement is {@link Confinement#NONE}. */
  public LaunchRequest {
    command = List.copyOf(command);
    env = Map.copyOf(env);
    confinement = confinement == null ? Confinement.NONE : confinement;
  }
}
