package dev.kitty.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The recorded output of real spec-kitty daemons (copied from the project's shared fixtures, whose
 * README says how they were captured): health payloads, metadata files, command lines.
 */
public final class SpecKittyFixtures {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private SpecKittyFixtures() {}

  /** The raw bytes of fixture {@code name}. */
  public static byte[] bytes(String name) {
    try (InputStream in = SpecKittyFixtures.class.getResourceAsStream("spec-kitty/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no spec-kitty fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Fixture {@code name} as text. */
  public static String text(String name) {
    return new String(bytes(name), StandardCharsets.UTF_8);
  }

  /** Fixture {@code name} as a mutable JSON object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> json(String name) {
    return new LinkedHashMap<>(JSON.readValue(text(name), Map.class));
  }

  /**
   * The recorded sync daemon's health payload, re-addressed to a fixture server on {@code port}
   * ({@code "$PID"} is replaced by the server's real pid, see {@link FixtureDaemons}).
   */
  public static Map<String, Object> syncHealth(int port) {
    Map<String, Object> health = json("sync-health.json");
    health.put("pid", "$PID");
    health.put("port", port);
    return health;
  }

  /** A recorded {@code /proc/PID/cmdline} split at its NULs. */
  public static List<String> cmdline(String name) {
    String s = text(name);
    if (s.endsWith("\0")) {
      s = s.substring(0, s.length() - 1);
    }
    return List.of(s.split("\0", -1));
  }
}
