package dev.kitty.engine.internal.launch;

import dev.kitty.engine.model.FamilyInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything one start of a named launch needs, decided before the spawn: {@code start}, {@code
 * restart} and {@code ensure} each build one and hand it to {@link LaunchStarter}.
 *
 * @param family the family the launch belongs to
 * @param name the launch's name
 * @param command the command to run
 * @param shell whether the command runs through the shell
 * @param portRequest what the operator asked for ({@code auto}, {@code none} or a number), recorded
 * @param explicitPort the port to use, or null for the first free one of the range
 * @param healthPath the HTTP path that says the launch is healthy, or null
 * @param cwd the working folder, or null for kitty's
 * @param scope the scope the launch serves, or null
 * @param env extra environment
 * @param startTimeout how long it may take to become healthy
 * @param restarts how many times it was started again before
 * @param event the history event this start records ({@code start}, {@code restart}, ...)
 * @param confinement its cgroup's group and limits (ADR 30)
 */
record StartPlan(
    FamilyInfo family,
    String name,
    List<String> command,
    boolean shell,
    String portRequest,
    Integer explicitPort,
    String healthPath,
    Path cwd,
    String scope,
    Map<String, String> env,
    Duration startTimeout,
    int restarts,
    String event,
    dev.kitty.engine.model.Confinement confinement) {}
