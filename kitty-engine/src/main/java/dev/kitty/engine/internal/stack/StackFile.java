package dev.kitty.engine.internal.stack;

import dev.kitty.api.PortRange;
import dev.kitty.engine.internal.JsonSupport;
import dev.kitty.engine.internal.state.LaunchRecord;
import dev.kitty.engine.model.KittyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A dev stack's definition: a {@code Procfile} ({@code name: command} a line, as foreman reads it)
 * or a {@code kitty-stack.json}. Reading it validates everything before anything starts: names,
 * commands, ports inside the devstack range and not shared, dependencies that exist and form no
 * cycle. Every error names the file, the line where it can, and what is wrong.
 *
 * @param file the file read
 * @param services the services in start order: every service after what it depends on, otherwise in
 *     the file's order
 * @param maxProcesses the most processes the whole stack may have (0: no limit; JSON {@code
 *     limits.max_processes})
 * @param maxRssBytes the most resident memory the whole stack may use (0: no limit)
 * @param maxCpuPercent the most CPU the whole stack may use, as a share of one core (0: no limit)
 */
public record StackFile(
    Path file, List<StackService> services, int maxProcesses, long maxRssBytes, int maxCpuPercent) {

  /** The {@code kitty-stack.json} keys of a service. */
  static final Set<String> SERVICE_KEYS =
      Set.of(
          "command",
          "cwd",
          "env",
          "port",
          "health",
          "depends_on",
          "stop_grace",
          "max_processes",
          "max_rss_mb",
          "max_cpu_percent",
          "start_timeout");

  private static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

  /** The whole stack's limits, for its cgroup (ADR 30). */
  public dev.kitty.engine.model.Limits limits() {
    return new dev.kitty.engine.model.Limits(maxProcesses, maxRssBytes, maxCpuPercent);
  }

  /** Copies the services. */
  public StackFile {
    services = List.copyOf(services);
  }

  /**
   * Reads {@code file}: JSON when its name ends in {@code .json}, a Procfile otherwise.
   *
   * @param range the devstack family's range; every port must lie in it
   * @throws KittyException.BadInput naming the file, the line where it can, and what is wrong
   */
  public static StackFile read(Path file, PortRange range) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw bad(file, 0, "cannot be read: " + e.getMessage());
    }
    boolean json = file.getFileName().toString().endsWith(".json");
    List<StackService> services = json ? json(file, text) : procfile(file, text);
    if (services.isEmpty()) {
      throw bad(file, 0, "defines no service");
    }
    check(file, services, range);
    long[] limits = json ? limits(file, text) : new long[3];
    for (StackService s : services) {
      // A v1 cpu cgroup refuses a child's quota above its parent's (ADR 30): said here, not at up.
      if (limits[2] > 0 && s.cpuPercent() > limits[2]) {
        throw bad(
            file,
            0,
            "services."
                + s.name()
                + ".max_cpu_percent "
                + s.cpuPercent()
                + " is more than the stack's limits.max_cpu_percent "
                + limits[2]);
      }
    }
    return new StackFile(file, order(file, services), (int) limits[0], limits[1], (int) limits[2]);
  }

  /** Foreman's format: {@code name: command}; blank lines and {@code #} comments are skipped. */
  static List<StackService> procfile(Path file, String text) {
    List<StackService> out = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw bad(file, i + 1, "not \"name: command\": " + line);
      }
      String name = line.substring(0, colon).strip();
      String command = line.substring(colon + 1).strip();
      if (command.isEmpty()) {
        throw bad(file, i + 1, "service " + name + " has no command");
      }
      out.add(
          new StackService(
              name,
              command,
              null,
              Map.of(),
              0,
              null,
              List.of(),
              DEFAULT_GRACE,
              0,
              0,
              0,
              null,
              i + 1));
    }
    return out;
  }

  static List<StackService> json(Path file, String text) {
    JsonNode root;
    try {
      root = JsonSupport.mapper().readTree(text);
    } catch (JacksonException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw bad(file, line, "not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject() || !(root.get("services") instanceof JsonNode all)) {
      throw bad(file, 0, "must be {\"services\": {\"NAME\": {\"command\": ...}, ...}}");
    }
    if (!all.isObject()) {
      throw bad(file, 0, "\"services\" must be an object of service name to settings");
    }
    for (String key : root.propertyNames()) {
      if (!key.equals("services") && !key.equals("limits")) {
        throw bad(file, 0, "unknown key \"" + key + "\" (known: limits, services)");
      }
    }
    List<StackService> out = new ArrayList<>();
    int index = 0;
    for (String name : all.propertyNames()) {
      index++;
      JsonNode s = all.get(name);
      String where = "services." + name;
      if (!s.isObject()) {
        throw bad(file, 0, where + " must be an object");
      }
      for (String key : s.propertyNames()) {
        if (!SERVICE_KEYS.contains(key)) {
          throw bad(
              file,
              0,
              where + ": unknown key \"" + key + "\" (known: " + String.join(", ", sorted()) + ")");
        }
      }
      if (!(s.get("command") instanceof JsonNode c) || !c.isString() || c.asString().isBlank()) {
        throw bad(file, 0, where + ".command must be a non-empty string");
      }
      Map<String, String> env = new LinkedHashMap<>();
      if (s.get("env") instanceof JsonNode e) {
        if (!e.isObject()) {
          throw bad(file, 0, where + ".env must be an object of strings");
        }
        for (String k : e.propertyNames()) {
          if (!e.get(k).isString()) {
            throw bad(file, 0, where + ".env." + k + " must be a string");
          }
          env.put(k, e.get(k).asString());
        }
      }
      List<String> deps = new ArrayList<>();
      if (s.get("depends_on") instanceof JsonNode d) {
        if (!d.isArray()) {
          throw bad(file, 0, where + ".depends_on must be a list of service names");
        }
        d.forEach(x -> deps.add(x.asString()));
      }
      String health = null;
      if (s.get("health") instanceof JsonNode h && !h.isNull()) {
        if (!h.isString() || !h.asString().startsWith("/")) {
          throw bad(file, 0, where + ".health must be an HTTP path starting with '/'");
        }
        health = h.asString();
      }
      out.add(
          new StackService(
              name,
              c.asString(),
              text(file, s, where, "cwd"),
              env,
              (int) number(file, s, where, "port", 0, 65535),
              health,
              deps,
              grace(number(file, s, where, "stop_grace", 0, 60)),
              (int) number(file, s, where, "max_processes", 0, 100_000),
              number(file, s, where, "max_rss_mb", 0, 1 << 24) * 1024 * 1024,
              (int) number(file, s, where, "max_cpu_percent", 0, MAX_CPU_PERCENT),
              timeout(number(file, s, where, "start_timeout", 0, 600)),
              index));
    }
    return out;
  }

  /** The stack-wide {@code limits}: max processes, max RSS bytes, max CPU percent (0: none). */
  static long[] limits(Path file, String text) {
    JsonNode root = JsonSupport.mapper().readTree(text);
    JsonNode l = root.get("limits");
    if (l == null || l.isNull()) {
      return new long[3];
    }
    List<String> known = List.of("max_processes", "max_rss_mb", "max_cpu_percent");
    if (!l.isObject()) {
      throw bad(file, 0, "limits must be an object with " + String.join(", ", known));
    }
    for (String key : l.propertyNames()) {
      if (!known.contains(key)) {
        throw bad(
            file,
            0,
            "limits: unknown key \"" + key + "\" (known: " + String.join(", ", known) + ")");
      }
    }
    return new long[] {
      number(file, l, "limits", "max_processes", 0, 100_000),
      number(file, l, "limits", "max_rss_mb", 0, 1 << 24) * 1024 * 1024,
      number(file, l, "limits", "max_cpu_percent", 0, MAX_CPU_PERCENT)
    };
  }

  /** A hundred cores: more than any machine kitty runs on gives a launch. */
  private static final int MAX_CPU_PERCENT = 10_000;

  /** {@code start_timeout} in seconds; 0 or absent: the family's default. */
  private static Duration timeout(long seconds) {
    return seconds == 0 ? null : Duration.ofSeconds(seconds);
  }

  /** {@code stop_grace} in seconds; 0 or absent: the default. */
  private static Duration grace(long seconds) {
    return seconds == 0 ? DEFAULT_GRACE : Duration.ofSeconds(seconds);
  }

  private static List<String> sorted() {
    List<String> keys = new ArrayList<>(SERVICE_KEYS);
    keys.sort(null);
    return keys;
  }

  private static String text(Path file, JsonNode s, String where, String key) {
    JsonNode v = s.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isString()) {
      throw bad(file, 0, where + "." + key + " must be a string");
    }
    return v.asString();
  }

  private static long number(Path file, JsonNode s, String where, String key, long min, long max) {
    JsonNode v = s.get(key);
    if (v == null || v.isNull()) {
      return 0;
    }
    if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
      throw bad(file, 0, where + "." + key + " must be a whole number from " + min + " to " + max);
    }
    return v.asLong();
  }

  /** Names, ports and dependencies: all errors are the file's, found before anything starts. */
  private static void check(Path file, List<StackService> services, PortRange range) {
    Map<String, StackService> byName = new HashMap<>();
    Map<Integer, String> byPort = new HashMap<>();
    for (StackService s : services) {
      int line = s.line();
      String at = file.getFileName().toString().endsWith(".json") ? "services." : "";
      if (!s.name().matches(LaunchRecord.NAME_PATTERN)) {
        throw bad(
            file,
            lineOf(file, line),
            "service name \""
                + s.name()
                + "\" is not allowed: letters, digits, '.', '_' and '-', at most 64");
      }
      if (byName.put(s.name(), s) != null) {
        throw bad(file, lineOf(file, line), "service " + s.name() + " is defined twice");
      }
      if (s.healthPath() != null && s.port() == 0) {
        throw bad(
            file,
            lineOf(file, line),
            at + s.name() + ": health " + s.healthPath() + " needs a port");
      }
      if (s.port() != 0) {
        if (!range.contains(s.port())) {
          throw bad(
              file,
              lineOf(file, line),
              at
                  + s.name()
                  + ": port "
                  + s.port()
                  + " is outside the devstack range "
                  + range
                  + " (kitty stops only what it can prove, and proves ports only in its ranges)");
        }
        String other = byPort.put(s.port(), s.name());
        if (other != null) {
          throw bad(
              file,
              lineOf(file, line),
              at + s.name() + ": port " + s.port() + " is also " + other + "'s");
        }
      }
    }
    for (StackService s : services) {
      for (String d : s.dependsOn()) {
        if (!byName.containsKey(d)) {
          throw bad(
              file,
              lineOf(file, s.line()),
              "service " + s.name() + " depends on \"" + d + "\", which the file does not define");
        }
      }
    }
  }

  /** Words that run the next word: skipped on the way to the program. */
  private static final Set<String> PREFIX_WORDS =
      Set.of("exec", "env", "nohup", "command", "time", "!", "{");

  /** Words the shell runs itself: what runs after them is the shell's business. */
  private static final Set<String> SHELL_WORDS =
      Set.of(
          "cd", "export", "set", "unset", ".", "source", "if", "for", "while", "until", "case",
          "true", "false", "test", "[", "echo", "printf", "eval", "trap", "ulimit", "umask", "wait",
          ":", "read", "(");

  /**
   * Checks that the program each service's command starts with exists (on the {@code PATH}, or as a
   * path relative to the service's folder), so that a typo is an error naming the file and line
   * before anything starts, not a service that dies at once after its dependencies were started.
   * Words the shell runs itself ({@code cd}, {@code exec}, {@code export}, ...) and variable
   * assignments are skipped to the next word; a command starting with {@code $} or a quote is left
   * to the shell.
   *
   * @param env the environment the services get on top of kitty's (its {@code PATH} wins)
   * @throws KittyException.BadInput naming the file, line and the program not found
   */
  public static void checkCommands(StackFile stack, Map<String, String> env) {
    Path folder = stack.file().toAbsolutePath().getParent();
    for (StackService s : stack.services()) {
      String program = program(s.command());
      if (program == null) {
        continue;
      }
      Path cwd = s.folder(folder);
      if (!Files.isDirectory(cwd)) {
        throw bad(
            stack.file(),
            lineOf(stack.file(), s.line()),
            "service " + s.name() + ": folder " + cwd + " does not exist");
      }
      String path = s.env().getOrDefault("PATH", env.getOrDefault("PATH", System.getenv("PATH")));
      if (!found(program, cwd, path)) {
        throw bad(
            stack.file(),
            lineOf(stack.file(), s.line()),
            "service "
                + s.name()
                + ": command \""
                + program
                + "\" not found"
                + (program.contains("/") ? " in " + cwd : " on the PATH"));
      }
    }
  }

  /** The program a shell command line runs first, or null when the shell must decide. */
  static String program(String command) {
    for (String word : command.strip().split("\\s+")) {
      if (word.isEmpty()
          || PREFIX_WORDS.contains(word)
          || word.startsWith("-")
          || word.matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
        continue;
      }
      char c = word.charAt(0);
      boolean shellDecides =
          SHELL_WORDS.contains(word) || c == '$' || c == '"' || c == '\'' || c == '`' || c == '(';
      return shellDecides ? null : word;
    }
    return null;
  }

  private static boolean found(String program, Path cwd, String path) {
    if (program.contains("/")) {
      return Files.isExecutable(cwd.resolve(program));
    }
    if (path == null) {
      return true; // no PATH to look in: the shell will say
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  /** Procfile lines are real line numbers; JSON services have none (their path names them). */
  private static int lineOf(Path file, int line) {
    return file.getFileName().toString().endsWith(".json") ? 0 : line;
  }

  /**
   * Dependencies first, otherwise the file's order (a stable topological sort).
   *
   * @throws KittyException.BadInput naming a cycle, e.g. {@code a -> b -> a}
   */
  static List<StackService> order(Path file, List<StackService> services) {
    Map<String, StackService> byName = new LinkedHashMap<>();
    services.forEach(s -> byName.put(s.name(), s));
    List<StackService> out = new ArrayList<>();
    Set<String> done = new HashSet<>();
    for (StackService s : services) {
      visit(file, s, byName, done, new ArrayDeque<>(), out);
    }
    return out;
  }

  private static void visit(
      Path file,
      StackService s,
      Map<String, StackService> byName,
      Set<String> done,
      Deque<String> path,
      List<StackService> out) {
    if (done.contains(s.name())) {
      return;
    }
    if (path.contains(s.name())) {
      List<String> cycle = new ArrayList<>();
      boolean in = false;
      for (java.util.Iterator<String> it = path.descendingIterator(); it.hasNext(); ) {
        String n = it.next();
        in |= n.equals(s.name());
        if (in) {
          cycle.add(n);
        }
      }
      cycle.add(s.name());
      throw bad(file, 0, "dependency cycle: " + String.join(" -> ", cycle));
    }
    path.push(s.name());
    for (String d : s.dependsOn()) {
      visit(file, byName.get(d), byName, done, path, out);
    }
    path.pop();
    done.add(s.name());
    out.add(s);
  }

  private static KittyException.BadInput bad(Path file, int line, String what) {
    return new KittyException.BadInput(
        "stack file " + file + (line > 0 ? ":" + line : "") + ": " + what, null);
  }
}
