package dev.kitty.engine.internal;

import java.util.Map;
import tools.jackson.core.JacksonException;
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
  @SuppressWarnings("unchecked")
  public static Map<String, Object> objectOrNull(String text) {
    if (text == null) {
      return null;
    }
    String t = text.strip();
    if (!t.startsWith("{")) {
      return null;
    }
    try {
      Object v = mapper().readValue(t, Object.class);
      return v instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    } catch (JacksonException | IllegalArgumentException e) {
      return null;
    }
  }
}
