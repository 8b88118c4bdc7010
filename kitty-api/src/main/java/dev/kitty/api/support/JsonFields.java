package dev.kitty.api.support;

import dev.kitty.api.HttpAnswer;
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
    // instanceof, not a pattern switch: each switch over types is a class generated at its first
    // use, and a cold scan reads integers from every health answer.
    Object v = json.get(key);
    if (v instanceof Long l) {
      return Optional.of(l);
    }
    if (v instanceof Integer i) {
      return Optional.of(i.longValue());
    }
    if (v instanceof java.math.BigInteger b && b.bitLength() < 64) {
      return Optional.of(b.longValue());
    }
    return Optional.empty();
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
