package dev.kitty.engine.internal.registry;

import dev.kitty.api.PortRange;
import dev.kitty.engine.internal.JsonSupport;
import dev.kitty.engine.model.KittyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The operator's overrides, from {@code config.json}:
 *
 * <pre>{"families": {"dashboard": {"port_range": {"from": 9237, "to": 9337}}},
 *  "environment": {"SPEC_KITTY_HOME": "/home/dev/.spec-kitty"}}</pre>
 *
 * <p>{@code environment} sets or overrides variables of kitty's environment as families see them
 * ({@code ProbeContext.environment}): where a family's daemons keep their records, for instance.
 *
 * <p>Unknown top-level keys are refused rather than ignored: a typo in a safety tool's config must
 * not silently fall back to defaults.
 *
 * @param file where it came from, null for the empty config
 * @param rangeOverrides family id to range
 * @param environment variables families see, over kitty's own environment
 */
public record KittyConfig(
    Path file, Map<String, PortRange> rangeOverrides, Map<String, String> environment) {

  /** No overrides. */
  public static final KittyConfig EMPTY = new KittyConfig(null, Map.of(), Map.of());

  /** A config with range overrides only. */
  public KittyConfig(Path file, Map<String, PortRange> rangeOverrides) {
    this(file, rangeOverrides, Map.of());
  }

  /**
   * Reads the config at {@code file}.
   *
   * @param required whether a missing file is an error (it was named on the command line)
   * @throws KittyException.BadInput naming the file and what is wrong
   */
  public static KittyConfig read(Path file, boolean required) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      if (required) {
        throw new KittyException.BadInput("config " + file + ": no such file", e);
      }
      return EMPTY;
    } catch (IOException e) {
      throw new KittyException.BadInput(
          "config " + file + ": cannot be read: " + e.getMessage(), e);
    }
    return parse(file, text);
  }

  static KittyConfig parse(Path file, String text) {
    JsonNode root;
    try {
      root = JsonSupport.mapper().readTree(text);
    } catch (JacksonException e) {
      throw bad(file, "not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw bad(file, "the top level must be a JSON object");
    }
    Map<String, PortRange> overrides = new LinkedHashMap<>();
    for (String key : root.propertyNames()) {
      if (!key.equals("families") && !key.equals("environment")) {
        throw bad(file, "unknown key \"" + key + "\" (known: families, environment)");
      }
    }
    Map<String, String> environment = new LinkedHashMap<>();
    JsonNode env = root.get("environment");
    if (env != null) {
      if (!env.isObject()) {
        throw bad(file, "\"environment\" must be an object of variable name to string");
      }
      for (String name : env.propertyNames()) {
        if (!env.get(name).isString()) {
          throw bad(file, "environment." + name + " must be a string");
        }
        environment.put(name, env.get(name).asString());
      }
    }
    JsonNode families = root.get("families");
    if (families == null) {
      return new KittyConfig(file, Map.of(), Map.copyOf(environment));
    }
    if (!families.isObject()) {
      throw bad(file, "\"families\" must be an object of family id to settings");
    }
    for (String id : families.propertyNames()) {
      JsonNode settings = families.get(id);
      JsonNode range = settings.get("port_range");
      if (!settings.isObject() || range == null || !range.isObject()) {
        throw bad(file, "families." + id + " must be {\"port_range\": {\"from\": N, \"to\": N}}");
      }
      JsonNode from = range.get("from");
      JsonNode to = range.get("to");
      if (from == null || to == null || !from.isIntegralNumber() || !to.isIntegralNumber()) {
        throw bad(file, "families." + id + ".port_range needs integer \"from\" and \"to\"");
      }
      try {
        overrides.put(id, new PortRange(from.asInt(), to.asInt()));
      } catch (IllegalArgumentException e) {
        throw bad(file, "families." + id + ": " + e.getMessage());
      }
    }
    return new KittyConfig(file, overrides, Map.copyOf(environment));
  }

  private static KittyException.BadInput bad(Path file, String what) {
    return new KittyException.BadInput("config " + file + ": " + what, null);
  }
}
