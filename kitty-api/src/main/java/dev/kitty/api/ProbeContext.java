package dev.kitty.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the engine lets an identity probe see about one listener: the listener, the processes
 * holding it, the process table, and bounded reads (loopback HTTP, small files). Every method is
 * read-only; nothing reachable from here can signal a process.
 *
 * <p>Stability: experimental.
 */
public interface ProbeContext {

  /** The family's range as configured (it may differ from the family's default). */
  PortRange range();

  /** The listener being classified; never null. */
  ListenerView listener();

  /**
   * The process that owns the listener: the holder none of whose ancestors also holds it. Empty
   * when no holder could be seen.
   */
  Optional<ProcessView> process();

  /** The process with this pid in the scan's snapshot, if visible. */
  Optional<ProcessView> process(long pid);

  /** The direct children of {@code pid} that started after it, in the snapshot. */
  List<ProcessView> children(long pid);

  /**
   * The pids of the shell wrappers ({@link ProcessView#shellWrapper()}) directly above {@code p},
   * nearest first: its parent if that is a wrapper, that one's parent if it is one too, and so on
   * (at most 8). A family names them in its identity ({@code wrapper_pids}) so that its stop plan
   * can stop what would respawn {@code p}; the engine verifies them again before any signal.
   */
  default List<Long> shellWrappers(ProcessView p) {
    List<Long> out = new java.util.ArrayList<>();
    Optional<ProcessView> up = process(p.ppid());
    while (up.isPresent()
        && up.get().shellWrapper()
        && out.size() < 8
        && !out.contains(up.get().pid())) {
      out.add(up.get().pid());
      up = process(up.get().ppid());
    }
    return List.copyOf(out);
  }

  /** The uid kitty runs as. */
  int currentUid();

  /**
   * {@code GET http://127.0.0.1:PORT/PATH} on the listener's port (or {@code [::1]} for an
   * IPv6-only loopback listener): no redirects, no credentials, bounded in time by the engine and
   * in size.
   *
   * @param path an absolute path such as {@code /api/health}
   */
  HttpAnswer httpGet(String path);

  /** As {@link #httpGet(String)}, with a shorter timeout than the engine's default when given. */
  HttpAnswer httpGet(String path, Duration timeout);

  /** Reads a small file (at most 64 KiB) with its owner and mode. */
  FileEvidence readFile(String path);

  /**
   * The record of the live singleton kitty launched for this family ({@code kitty sync ensure}), as
   * written by the engine: a flat JSON object with at least {@code pid}, {@code port}, {@code
   * start_ticks}, {@code start_time}, {@code launch_id}. {@link FileEvidence#absent()} when there
   * is none.
   */
  FileEvidence singletonRecord();

  /** The state directory kitty keeps its records in. */
  String stateDir();

  /**
   * The launch on kitty's record whose cookie is {@code launchId}, if there is one; empty by
   * default (a context without a registry).
   */
  default Optional<LaunchView> launch(String launchId) {
    return Optional.empty();
  }
}
