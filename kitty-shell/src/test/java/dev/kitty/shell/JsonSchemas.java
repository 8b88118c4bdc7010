package dev.kitty.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Validates kitty's {@code --json} documents against the schemas in {@code docs/schemas/}. A small
 * validator for the subset of JSON Schema (2020-12) those files use — {@code type} (one or a list),
 * {@code properties}, {@code required}, {@code additionalProperties: false}, {@code items}, {@code
 * enum}, {@code minimum}, {@code $ref} to {@code #/$defs/NAME} — so the test needs no library
 * beyond Jackson. A schema keyword it does not know fails the test: the schemas cannot silently
 * outgrow the validator.
 */
final class JsonSchemas {

  private JsonSchemas() {}

  static final Path DIR = Path.of("../docs/schemas");

  /**
   * The schema of the document {@code args} print (global options first, then the command, as ADR 9
   * has it), or empty for a command without a published schema.
   */
  private static final Set<String> COMMANDS =
      Set.of(
          "up",
          "down",
          "ps",
          "scan",
          "ghosts",
          "families",
          "tree",
          "map",
          "status",
          "watch",
          "cleanup",
          "stop",
          "kill",
          "start",
          "restart",
          "ensure",
          "doctor",
          "dashboard",
          "family",
          "sync");

  static Optional<String> schemaFor(List<String> args) {
    // The command is the first known command word: a global option's value (a --family-path
    // folder) is skipped that way.
    List<String> words =
        args.stream()
            .dropWhile(a -> !COMMANDS.contains(a))
            .filter(a -> !a.startsWith("-"))
            .toList();
    if (words.isEmpty()) {
      return Optional.empty();
    }
    boolean stops =
        args.contains("--reset") || args.contains("--stop") || args.contains("--cleanup");
    String second = words.size() > 1 ? words.get(1) : "";
    return Optional.ofNullable(
        switch (words.getFirst()) {
          case "up", "down", "ps" -> "stack";
          case "scan", "ghosts", "families", "tree", "map", "status" -> words.getFirst();
          case "watch" -> "runaway";
          case "cleanup", "stop", "kill" -> "stop";
          case "start", "restart", "ensure" -> "launch";
          case "doctor" -> stops ? "stop" : "doctor";
          case "dashboard" -> stops ? "stop" : "ensure";
          case "family" ->
              switch (second) {
                case "verify" -> "family-verify";
                case "new" -> "family-new";
                default -> null;
              };
          case "sync" ->
              switch (second) {
                case "ensure" -> "ensure";
                case "status" -> "sync-status";
                default -> null;
              };
          default -> null;
        });
  }

  /** Checks the document of the command in {@code args} against its schema, if it has one. */
  static void checkCommand(List<String> args, JsonNode doc) {
    if (doc.isObject() && doc.has("error")) {
      check("error", doc); // any command's error document
      return;
    }
    schemaFor(args).ifPresent(schema -> check(schema, doc));
  }

  private static JsonNode load(String file) {
    try {
      return KittyRun.JSON.readTree(Files.readString(DIR.resolve(file)));
    } catch (IOException e) {
      throw new AssertionError("schema " + file + " cannot be read: " + e);
    }
  }

  /** Throws naming every violation of {@code doc} against {@code docs/schemas/NAME.schema.json}. */
  static void check(String name, JsonNode doc) {
    JsonNode schema = load(name + ".schema.json");
    List<String> errors = new ArrayList<>();
    validate(schema, schema, doc, "$", errors);
    if (!errors.isEmpty()) {
      throw new AssertionError(
          "kitty's "
              + name
              + " JSON does not match docs/schemas/"
              + name
              + ".schema.json:\n  "
              + String.join("\n  ", errors)
              + "\n"
              + doc);
    }
  }

  private static final List<String> KNOWN =
      List.of(
          "$schema",
          "$id",
          "$defs",
          "$ref",
          "title",
          "description",
          "type",
          "properties",
          "required",
          "additionalProperties",
          "items",
          "enum",
          "minimum",
          "anyOf");

  static void validate(
      JsonNode root, JsonNode schema, JsonNode value, String at, List<String> errors) {
    for (String key : schema.propertyNames()) {
      if (!KNOWN.contains(key)) {
        throw new AssertionError("schema keyword " + key + " at " + at + " is not supported");
      }
    }
    if (schema.get("$ref") instanceof JsonNode ref) {
      String path = ref.asString();
      int hash = path.indexOf("#/$defs/");
      if (hash < 0) {
        throw new AssertionError("only [FILE]#/$defs/NAME references are supported: " + path);
      }
      JsonNode target = hash == 0 ? root : load(path.substring(0, hash));
      JsonNode def = target.get("$defs").get(path.substring(hash + "#/$defs/".length()));
      if (def == null) {
        throw new AssertionError("unresolved $ref " + path);
      }
      validate(target, def, value, at, errors);
      return;
    }
    if (schema.get("anyOf") instanceof JsonNode anyOf) {
      List<List<String>> tried = new ArrayList<>();
      for (JsonNode branch : anyOf) {
        List<String> branchErrors = new ArrayList<>();
        validate(root, branch, value, at, branchErrors);
        if (branchErrors.isEmpty()) {
          return;
        }
        tried.add(branchErrors);
      }
      errors.add(at + ": matches none of anyOf: " + tried);
      return;
    }
    if (schema.get("type") instanceof JsonNode type) {
      List<String> types = new ArrayList<>();
      if (type.isArray()) {
        type.forEach(t -> types.add(t.asString()));
      } else {
        types.add(type.asString());
      }
      if (types.stream().noneMatch(t -> is(t, value))) {
        errors.add(at + ": expected " + types + ", got " + value);
        return;
      }
    }
    if (schema.get("enum") instanceof JsonNode en) {
      boolean found = false;
      for (JsonNode e : en) {
        found |= e.equals(value);
      }
      if (!found) {
        errors.add(at + ": " + value + " is not one of " + en);
      }
    }
    if (schema.get("minimum") instanceof JsonNode min
        && value.isNumber()
        && value.asDouble() < min.asDouble()) {
      errors.add(at + ": " + value + " < " + min);
    }
    if (value.isObject()) {
      if (schema.get("required") instanceof JsonNode req) {
        for (JsonNode r : req) {
          if (!value.has(r.asString())) {
            errors.add(at + ": missing " + r.asString());
          }
        }
      }
      JsonNode props = schema.get("properties");
      for (String key : value.propertyNames()) {
        if (props != null && props.has(key)) {
          validate(root, props.get(key), value.get(key), at + "." + key, errors);
        } else if (schema.get("additionalProperties") instanceof JsonNode ap
            && ap.isBoolean()
            && !ap.asBoolean()) {
          errors.add(at + ": unexpected " + key);
        }
      }
    }
    if (value.isArray() && schema.get("items") instanceof JsonNode items) {
      for (int i = 0; i < value.size(); i++) {
        validate(root, items, value.get(i), at + "[" + i + "]", errors);
      }
    }
  }

  private static boolean is(String type, JsonNode v) {
    return switch (type) {
      case "object" -> v.isObject();
      case "array" -> v.isArray();
      case "string" -> v.isString();
      case "integer" -> v.isIntegralNumber();
      case "number" -> v.isNumber();
      case "boolean" -> v.isBoolean();
      case "null" -> v.isNull();
      default -> throw new AssertionError("unknown type " + type);
    };
  }
}
