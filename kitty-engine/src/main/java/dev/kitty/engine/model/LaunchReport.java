package dev.kitty.engine.model;

import java.util.List;

/**
 * The answer of {@code kitty start}, {@code restart} and {@code ensure}: the named launch after the
 * call.
 *
 * <p>Stability: experimental.
 *
 * @param family the family
 * @param name the launch's name
 * @param pid its main process (the one listening on the port)
 * @param wrapperPid its shell wrapper, or -1 when it runs without one
 * @param pgid its process group
 * @param port its port
 * @param launchId its cookie
 * @param reused whether it was already running and healthy (nothing was started)
 * @param stopped what this call stopped first (restart, leftovers of a launch that died); never
 *     null
 * @param attempts how many starts this call made (ensure retries with backoff)
 * @param notes what the operator should know; never null
 */
public record LaunchReport(
    String family,
    String name,
    long pid,
    long wrapperPid,
    long pgid,
    int port,
    String launchId,
    boolean reused,
    StopReport stopped,
    int attempts,
    List<String> notes) {

  /** Copies the notes. */
  public LaunchReport {
    notes = List.copyOf(notes);
  }
}
