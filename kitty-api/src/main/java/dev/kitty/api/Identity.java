package dev.kitty.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A family's verdict on one candidate: its cleanup class, how identity was established, why it is
 * not automatic, whether it is the family's recorded live daemon, and the family-specific identity
 * fields (for example the sync family's {@code package_version}).
 *
 * <p>Stability: experimental.
 *
 * @param cleanupClass never null
 * @param source never null
 * @param skipReason null exactly when the class is {@link CleanupClass#SAFE_AUTO}
 * @param recorded true when this is the live daemon on record for its scope; never cleaned
 *     automatically, so it is never {@code safe_auto}
 *     <p>The attributes the engine acts on have typed accessors ({@link #wrapperPids()}, {@link
 *     #scope()}, {@link #recordedPid()}, {@link #metadataFile()}, {@link #projectDir()}, {@link
 *     #healthFailure()}) and named keys; the rest are for display.
 * @param attributes extra identity fields, snake_case keys, values of JSON types (String, Number,
 *     Boolean, null, List, Map); never null, copied
 * @since 0.1
 */
public record Identity(
    CleanupClass cleanupClass,
    IdentitySource source,
    String skipReason,
    boolean recorded,
    Map<String, Object> attributes) {

  /**
   * Validates the verdict's consistency.
   *
   * @since 0.1
   */
  public Identity {
    Objects.requireNonNull(cleanupClass, "cleanupClass");
    Objects.requireNonNull(source, "source");
    if ((cleanupClass == CleanupClass.SAFE_AUTO) != (skipReason == null)) {
      throw new IllegalArgumentException(
          "skipReason must be null for safe_auto and present otherwise, got "
              + cleanupClass.jsonName()
              + " with "
              + skipReason);
    }
    if (recorded && cleanupClass == CleanupClass.SAFE_AUTO) {
      throw new IllegalArgumentException("a recorded live daemon is never safe_auto");
    }
    // Map.copyOf rejects null values, which identity records need (e.g. auth_scope: null).
    attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
  }

  /**
   * Provably this family's stale daemon.
   *
   * @since 0.1
   */
  public static Identity safeAuto(IdentitySource source, Map<String, Object> attributes) {
    return new Identity(CleanupClass.SAFE_AUTO, source, null, false, attributes);
  }

  /**
   * Looks like this family's, identity incomplete for the reason given.
   *
   * @since 0.1
   */
  public static Identity operatorRequired(
      IdentitySource source, String reason, Map<String, Object> attributes) {
    return new Identity(CleanupClass.OPERATOR_REQUIRED, source, reason, false, attributes);
  }

  /**
   * Not this family's to touch, for the reason given.
   *
   * @since 0.1
   */
  public static Identity neverTouch(String reason) {
    return new Identity(CleanupClass.NEVER_TOUCH, IdentitySource.NONE, reason, false, Map.of());
  }

  /**
   * Not this family's to touch, with the identity fields that were found.
   *
   * @since 0.1
   */
  public static Identity neverTouch(
      IdentitySource source, String reason, Map<String, Object> attributes) {
    return new Identity(CleanupClass.NEVER_TOUCH, source, reason, false, attributes);
  }

  /**
   * The live daemon on record for its scope; reported, never cleaned automatically.
   *
   * @since 0.1
   */
  public static Identity recordedLive(
      IdentitySource source, String reason, Map<String, Object> attributes) {
    return new Identity(CleanupClass.OPERATOR_REQUIRED, source, reason, true, attributes);
  }

  /**
   * This verdict with the class lowered to {@code never_touch} for {@code reason}.
   *
   * @since 0.1
   */
  public Identity demotedToNeverTouch(String reason) {
    return new Identity(CleanupClass.NEVER_TOUCH, source, reason, recorded, attributes);
  }

  /**
   * Attribute: the shell wrappers above the daemon that its stop plan may name (pids).
   *
   * @since 0.1
   */
  public static final String WRAPPER_PIDS = "wrapper_pids";

  /**
   * Attribute: the scope whose singleton this daemon is (a root, a project).
   *
   * @since 0.1
   */
  public static final String SCOPE = "singleton_scope_id";

  /**
   * Attribute: the pid the daemon's record names (the ghost-socket check compares it).
   *
   * @since 0.1
   */
  public static final String RECORDED_PID = "recorded_pid";

  /**
   * Attribute: the metadata file that holds the daemon's token (its stop plan reads it).
   *
   * @since 0.1
   */
  public static final String METADATA_FILE = "metadata_file";

  /**
   * Attribute: the project folder of a per-project daemon.
   *
   * @since 0.1
   */
  public static final String PROJECT_DIR = "project_dir";

  /**
   * Attribute: why the daemon did not answer its health check, when it did not.
   *
   * @since 0.1
   */
  public static final String HEALTH = "health";

  /**
   * The launch cookie of a process kitty launched ({@code KITTY_LAUNCH_ID}).
   *
   * @since 0.1
   */
  public static final String LAUNCH_ID = "launch_id";

  /**
   * The name of the launch (or stack service) a process belongs to.
   *
   * @since 0.1
   */
  public static final String SERVICE = "service";

  /**
   * The shell wrappers above the daemon ({@value #WRAPPER_PIDS}); empty when none.
   *
   * @since 0.1
   */
  public java.util.List<Long> wrapperPids() {
    java.util.List<Long> out = new java.util.ArrayList<>();
    if (attributes.get(WRAPPER_PIDS) instanceof java.util.List<?> list) {
      for (Object o : list) {
        if (o instanceof Number n) {
          out.add(n.longValue());
        }
      }
    }
    return out;
  }

  /**
   * The scope of this singleton ({@value #SCOPE}), if the family named one.
   *
   * @since 0.1
   */
  public java.util.Optional<String> scope() {
    return text(SCOPE);
  }

  /**
   * The pid the daemon's record names ({@value #RECORDED_PID}), if any.
   *
   * @since 0.1
   */
  public java.util.OptionalLong recordedPid() {
    return attributes.get(RECORDED_PID) instanceof Number n
        ? java.util.OptionalLong.of(n.longValue())
        : java.util.OptionalLong.empty();
  }

  /**
   * The metadata file that holds the token ({@value #METADATA_FILE}), if any.
   *
   * @since 0.1
   */
  public java.util.Optional<String> metadataFile() {
    return text(METADATA_FILE);
  }

  /**
   * The project folder ({@value #PROJECT_DIR}), if any.
   *
   * @since 0.1
   */
  public java.util.Optional<String> projectDir() {
    return text(PROJECT_DIR);
  }

  /**
   * Why the daemon did not answer its health check ({@value #HEALTH}), if it did not.
   *
   * @since 0.1
   */
  public java.util.Optional<String> healthFailure() {
    return text(HEALTH);
  }

  private java.util.Optional<String> text(String key) {
    return attributes.get(key) instanceof String v
        ? java.util.Optional.of(v)
        : java.util.Optional.empty();
  }
}
