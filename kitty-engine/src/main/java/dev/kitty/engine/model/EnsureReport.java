package dev.kitty.engine.model;

import java.util.List;

/**
 * The answer of {@code kitty sync ensure}: the scope's singleton after the call, and what the call
 * cleaned on its way.
 *
 * <p>Stability: experimental.
 *
 * @param family the family
 * @param pid the singleton's pid
 * @param port its port
 * @param reused whether it was already running (else this call started it)
 * @param launchId its launch cookie, when kitty launched it
 * @param cleaned the stale daemons of the scope this call stopped, and everything it left alone
 * @param notes what the operator should know (a corrupt record rebuilt, say); never null
 */
public record EnsureReport(
    String family,
    long pid,
    int port,
    boolean reused,
    String launchId,
    StopReport cleaned,
    List<String> notes) {

  /** Copies the notes. */
  public EnsureReport {
    notes = List.copyOf(notes);
  }
}
