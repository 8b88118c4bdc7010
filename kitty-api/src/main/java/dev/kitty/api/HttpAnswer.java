package dev.kitty.api;

import java.util.Map;
import java.util.Optional;

/**
 * What a bounded loopback HTTP request returned: a status and body, or the reason there was none.
 *
 * <p>Stability: experimental.
 *
 * @param url the URL asked; never null
 * @param status the HTTP status, or -1 when no answer came
 * @param body the body as text, truncated at the context's size bound; never null
 * @param json the body parsed as a JSON object, null when it was not one
 * @param error why there was no usable answer (timeout, refused, too large, ...); null on success
 * @since 0.1
 */
public record HttpAnswer(
    String url, int status, String body, Map<String, Object> json, String error) {

  /**
   * An answer that never came.
   *
   * @since 0.1
   */
  public static HttpAnswer failed(String url, String error) {
    return new HttpAnswer(url, -1, "", null, error);
  }

  /**
   * Whether a 2xx answer with a JSON object body came.
   *
   * @since 0.1
   */
  public boolean okJson() {
    return status >= 200 && status < 300 && json != null;
  }

  /**
   * The JSON object body, if any.
   *
   * @since 0.1
   */
  public Optional<Map<String, Object>> jsonObject() {
    return Optional.ofNullable(json);
  }
}
