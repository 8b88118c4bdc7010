package dev.kitty.shell;

import dev.kitty.shell.command.Session;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Runs kitty in this JVM with an isolated environment and captures what it printed. */
public final class KittyRun {

  static final JsonMapper JSON = JsonMapper.builder().build();

  /** What kitty answered to {@code args}. */
  public record Result(int code, String out, String err, List<String> args) {
    /**
     * The one JSON document printed, held to its published schema (docs/schemas): every document a
     * test reads is also a test of the schema.
     */
    JsonNode json() {
      JsonNode doc = JSON.readTree(out);
      JsonSchemas.checkCommand(args, doc);
      return doc;
    }

    List<JsonNode> jsonLines() {
      return out.lines().filter(l -> !l.isBlank()).map(l -> JSON.readTree(l)).toList();
    }
  }

  /** An environment whose state and config live under {@code home} and nowhere else. */
  public static Map<String, String> env(Path home) {
    Map<String, String> env = new HashMap<>();
    env.put("KITTY_STATE_DIR", home.resolve("state").toString());
    env.put("XDG_CONFIG_HOME", home.resolve("config").toString());
    env.put("PATH", System.getenv("PATH"));
    // The suite's fallback pass (.ci/run) runs every kitty with containment off (ADR 29).
    if (System.getenv("KITTY_CONTAINMENT") != null) {
      env.put("KITTY_CONTAINMENT", System.getenv("KITTY_CONTAINMENT"));
    }
    return env;
  }

  public static Result run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Session session =
        new Session(env, new PrintWriter(out, true), new PrintWriter(err, true), false);
    int code = Main.run(args, session);
    return new Result(code, out.toString(), err.toString(), List.of(args));
  }

  private KittyRun() {}
}
