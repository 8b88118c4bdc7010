package dev.kitty.family.sync;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The identity contract the sync daemon and the sync probe share (ADR 14): where a daemon's root,
 * marker and queue live, and which versions are current. How a health answer proves that the
 * process answering knows the nonce in its marker is {@link dev.kitty.api.support.DaemonProof}.
 */
public final class SyncContract {

  /** The health payload's protocol; a daemon of another protocol is stale. */
  public static final int PROTOCOL_VERSION = 1;

  /**
   * How long a daemon that is no longer the recorded singleton of its scope, and has no job in
   * flight, waits before it retires. Overridden (tests, impatient operators) by {@link
   * #RETIRE_AFTER_ENV} or the system property {@code kitty.sync.retireAfter}, as an ISO-8601
   * duration such as {@code PT2S}.
   */
  public static final Duration RETIRE_AFTER = Duration.ofMinutes(5);

  /** The environment variable that overrides {@link #RETIRE_AFTER}. */
  public static final String RETIRE_AFTER_ENV = "KITTY_SYNC_RETIRE_AFTER";

  /**
   * The environment variable that overrides the package version a daemon reports and the probe
   * takes as current. Test-only: it lets one build play the seed's 3.2.2, 3.2.3 and 3.2.4.
   */
  public static final String VERSION_ENV = "KITTY_SYNC_PACKAGE_VERSION";

  private SyncContract() {}

  /** The daemon root of the scope kept under {@code stateDir}: one singleton per root. */
  public static Path daemonRoot(Path stateDir) {
    return stateDir.toAbsolutePath().normalize().resolve("sync");
  }

  /** Where the daemon with {@code pid} keeps its marker. */
  public static Path markerFile(Path daemonRoot, long pid) {
    return daemonRoot.resolve("markers").resolve(pid + ".json");
  }

  /** The queue database of the scope at {@code daemonRoot}. */
  public static Path queueFile(Path daemonRoot) {
    String digest = HexFormat.of().formatHex(sha256(daemonRoot.toString())).substring(0, 16);
    return daemonRoot.resolve("queues").resolve("queue-" + digest + ".jsonl");
  }

  /** The package version this build reports and treats as current. */
  public static String currentPackageVersion() {
    String override = System.getenv(VERSION_ENV);
    if (override != null && !override.isBlank()) {
      return override.strip();
    }
    return SyncContract.class.getModule().getDescriptor() == null
        ? "unknown"
        : SyncContract.class.getModule().getDescriptor().rawVersion().orElse("unknown");
  }

  /** {@link #RETIRE_AFTER}, or its override. */
  public static Duration retireAfter() {
    String text = System.getProperty("kitty.sync.retireAfter", System.getenv(RETIRE_AFTER_ENV));
    if (text == null || text.isBlank()) {
      return RETIRE_AFTER;
    }
    try {
      Duration d = Duration.parse(text.strip());
      if (d.isNegative()) {
        throw new IllegalArgumentException("negative");
      }
      return d;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          RETIRE_AFTER_ENV + " must be an ISO-8601 duration such as PT2S, got \"" + text + "\"");
    }
  }

  private static byte[] sha256(String s) {
    return sha256(s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] sha256(byte[] b) {
    return sha256().digest(b);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
