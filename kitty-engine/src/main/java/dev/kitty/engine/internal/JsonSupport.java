package dev.kitty.engine.internal;

import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** The engine's one JSON mapper (Jackson mappers are immutable and thread-safe in 3.x). */
public final class JsonSupport {

  /** Shared mapper. */
  public static final JsonMapper MAPPER = JsonMapper.builder().build();

  private JsonSupport() {}

  /** {@code text} as a JSON object, or null when it is not one. Never throws. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> objectOrNull(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      Object v = MAPPER.readValue(text, Object.class);
      return v instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    } catch (JacksonException | IllegalArgumentException e) {
      return null;
    }
  }
}
