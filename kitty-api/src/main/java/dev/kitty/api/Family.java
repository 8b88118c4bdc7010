package dev.kitty.api;

import java.util.List;
import java.util.Optional;

/**
 * A daemon family: a kind of background process kitty knows how to recognise and, through the
 * engine, how to stop and start. Implementations are found with {@link java.util.ServiceLoader}
 * ({@code provides dev.kitty.api.Family with ...}) and must have a public no-argument constructor
 * that does no work.
 *
 * <p>A family only describes: every method returns immutable data or a verdict computed from the
 * read-only views in a {@link ProbeContext}. The engine decides and acts. Four methods are
 * abstract; everything else has a default.
 *
 * <p>Stability: experimental.
 *
 * @since 0.1
 */
public interface Family {

  /**
   * The family id, lowercase {@code [a-z][a-z0-9-]*}, unique among loaded families; never null.
   *
   * @since 0.1
   */
  String id();

  /**
   * One line saying which daemons this family owns; never null.
   *
   * @since 0.1
   */
  String description();

  /**
   * The half-open TCP port range this family reserves by default; the operator's config may move
   * it. Never null.
   *
   * @since 0.1
   */
  PortRange defaultRange();

  /**
   * Decides what the listener in {@code context} is, from this family's point of view. Called only
   * for listeners inside this family's range. Must not block for long: HTTP and file reads go
   * through the context, which bounds them. May throw; the engine then classifies the candidate as
   * {@code never_touch} with the failure as reason.
   *
   * @param context what the engine lets the probe see; never null
   * @return the verdict; never null
   * @since 0.1
   */
  Identity identify(ProbeContext context);

  /**
   * How the engine stops one of this family's daemons. Never null.
   *
   * @since 0.1
   */
  default StopPlan stopPlan() {
    return StopPlan.DEFAULT;
  }

  /**
   * When this family's launches count as runaway. Never null.
   *
   * @since 0.1
   */
  default RunawayPolicy runawayPolicy() {
    return RunawayPolicy.NONE;
  }

  /**
   * How kitty starts this family's daemons, if it does. Never null; empty when it does not.
   *
   * @since 0.1
   */
  default Optional<LaunchSpec> launchSpec() {
    return Optional.empty();
  }

  /**
   * What this family's own record files for {@code scope} say before the engine starts a daemon for
   * it: each a sentence naming the file and what is wrong with it (empty, truncated, a field that
   * is not a number, a port outside the range). The engine shows them as notes and starts the
   * daemon anyway; the new daemon rewrites its records. Must not block; never null.
   *
   * @param scope the scope about to get a daemon (a project directory), never null
   * @since 0.1
   */
  default List<String> recordNotes(String scope) {
    return List.of();
  }
}
