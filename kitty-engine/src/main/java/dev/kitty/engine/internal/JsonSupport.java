package dev.kitty.engine.internal;

import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The engine's one JSON mapper (Jackson mappers are immutable and thread-safe in 3.x), created on
 * first use: a scan whose probes get no JSON back never pays for Jackson's start-up.
 */
public final class JsonSupport {

  private JsonSupport() {}

  private static final class Holder {
    static final JsonMapper MAPPER = JsonMapper.builder().build();
  }

  /** The shared mapper. */
  public static JsonMapper mapper() {
    return Holder.MAPPER;
  }

  /** {@code text} as a JSON object, or null when it is not one. Never throws. */
  public static Map<String, Object> objectOrNull(String text) {
    if (text == null) {
      return null;
    }
    String t = text.strip();
    if (!t.startsWith("{")) {
      return null;
    }
    try {
      // kitty-api's reader, not Jackson: a scan reads health answers, and the first use of a
      // Jackson mapper costs a cold CLI ~40 ms of initialisation for a 500-byte answer.
      return dev.kitty.api.support.JsonText.parseObject(t);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
