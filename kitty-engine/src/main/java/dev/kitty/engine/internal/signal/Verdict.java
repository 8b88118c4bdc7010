package dev.kitty.engine.internal.signal;

/**
 * The gate's verdict.
 *
 * @param allowed whether the signal may be sent
 * @param gone whether the refusal is because the process no longer exists (or was replaced)
 * @param reason why not, or why yes ("holds port 9240 in dashboard's range")
 */
public record Verdict(boolean allowed, boolean gone, String reason) {
  /** The reason as a stop report's {@code skipped} entry says it. */
  public String skipReason() {
    return gone ? "already gone" : "refused by the gate: " + reason;
  }
}
