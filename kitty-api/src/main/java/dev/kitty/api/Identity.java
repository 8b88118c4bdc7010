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
 * @param attributes extra identity fields, snake_case keys, values of JSON types (String, Number,
 *     Boolean, null, List, Map); never null, copied
 */
public record Identity(
    CleanupClass cleanupClass,
    IdentitySource source,
    String skipReason,
    boolean recorded,
    Map<String, Object> attributes) {

  /** Validates the verdict's consistency. */
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

  /** Provably this family's stale daemon. */
  public static Identity safeAuto(IdentitySource source, Map<String, Object> attributes) {
    return new Identity(CleanupClass.SAFE_AUTO, source, null, false, attributes);
  }

  /** Looks like this family's, identity incomplete for the reason given. */
  public static Identity operatorRequired(
      IdentitySource source, String reason, Map<String, Object> attributes) {
    return new Identity(CleanupClass.OPERATOR_REQUIRED, source, reason, false, attributes);
  }

  /** Not this family's to touch, for the reason given. */
  public static Identity neverTouch(String reason) {
    return new Identity(CleanupClass.NEVER_TOUCH, IdentitySource.NONE, reason, false, Map.of());
  }

  /** Not this family's to touch, with the identity fields that were found. */
  public static Identity neverTouch(
      IdentitySource source, String reason, Map<String, Object> attributes) {
    return new Identity(CleanupClass.NEVER_TOUCH, source, reason, false, attributes);
  }

  /** The live daemon on record for its scope; reported, never cleaned automatically. */
  public static Identity recordedLive(
      IdentitySource source, String reason, Map<String, Object> attributes) {
    return new Identity(CleanupClass.OPERATOR_REQUIRED, source, reason, true, attributes);
  }

  /** This verdict with the class lowered to {@code never_touch} for {@code reason}. */
  public Identity demotedToNeverTouch(String reason) {
    return new Identity(CleanupClass.NEVER_TOUCH, source, reason, recorded, attributes);
  }
}
