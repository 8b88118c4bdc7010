package dev.kitty.api;

import java.util.Map;
import java.util.Optional;

/**
 * Typed reads of a parsed JSON object (as {@link HttpAnswer#json()} holds it), for probes: a field
 * of the wrong type reads as absent, never as an exception.
 *
 * <p>Stability: experimental.
 */
public final class JsonFields {

  private JsonFields() {}

  /** The string at {@code key}. */
  public static Optional<String> string(Map<String, Object> json, String key) {
    return json != null && json.get(key) instanceof String s ? Optional.of(s) : Optional.empty();
  }

  /** The integral number at {@code key}. */
  public static Optional<Long> integer(Map<String, Object> json, String key) {
    if (json == null) {
      return Optional.empty();
    }
    return switch (json.get(key)) {
      case Integer i -> Optional.of(i.longValue());
      case Long l -> Optional.of(l);
      case java.math.BigInteger b when b.bitLength() < 64 -> Optional.of(b.longValue());
      case null, default -> Optional.empty();
    };
  }

  /** The object at {@code key}. */
  @SuppressWarnings("unchecked")
  public static Optional<Map<String, Object>> object(Map<String, Object> json, String key) {
    return json != null && json.get(key) instanceof Map<?, ?> m
        ? Optional.of((Map<String, Object>) m)
        : Optional.empty();
  }

  /** The value at {@code key} if it is a JSON scalar (string, number, boolean) or null. */
  public static Object scalar(Map<String, Object> json, String key) {
    if (json == null) {
      return null;
    }
    Object v = json.get(key);
    return v instanceof String || v instanceof Number || v instanceof Boolean ? v : null;
  }
}
