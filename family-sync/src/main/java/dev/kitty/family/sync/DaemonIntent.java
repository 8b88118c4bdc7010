package dev.kitty.family.sync;

/**
 * Why a sync daemon runs. {@code LOCAL_ONLY} serves local work and never talks to a sync server;
 * {@code HOSTED} also syncs with one, and only when the operator enabled hosted sync (C-006). A
 * dashboard asks for {@code LOCAL_ONLY} and never forces hosted sync (C-003).
 */
public enum DaemonIntent {
  /** Local work only; no server. */
  LOCAL_ONLY,
  /** Local work plus a hosted sync server. */
  HOSTED;

  /** The environment variable an operator sets to {@code 1} to allow {@code HOSTED}. */
  public static final String ENABLE_HOSTED = "KITTY_ENABLE_HOSTED_SYNC";

  /**
   * The intent named {@code text} (any case, {@code -} or {@code _}).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static DaemonIntent parse(String text) {
    String t = text.strip().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    for (DaemonIntent i : values()) {
      if (i.name().equals(t)) {
        return i;
      }
    }
    throw new IllegalArgumentException(
        "unknown sync intent \"" + text + "\"; expected local_only or hosted");
  }
}
