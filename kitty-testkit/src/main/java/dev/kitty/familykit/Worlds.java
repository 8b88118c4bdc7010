package dev.kitty.familykit;

import static org.quicktheories.generators.Generate.constant;
import static org.quicktheories.generators.Generate.frequency;
import static org.quicktheories.generators.Generate.longRange;
import static org.quicktheories.generators.Generate.pick;
import static org.quicktheories.generators.Generate.range;

import dev.kitty.api.FileEvidence;
import dev.kitty.api.PortRange;
import dev.kitty.api.support.JsonText;
import dev.kitty.familykit.World.Holder;
import dev.kitty.familykit.World.Reply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;

/**
 * The generators of the kit's worlds (QuickTheories, ADR 6): every value is drawn from a randomness
 * source QuickTheories controls, so a counterexample shrinks to a small one (a low pid, the range's
 * first port, the first of the lists below).
 */
final class Worlds {

  /** Command lines of programs that are nobody's family: what shares a developer's ports. */
  static final List<List<String>> THIRD_PARTIES =
      List.of(
          List.of("python3", "-m", "http.server", "{port}"),
          List.of("node", "server.js"),
          List.of("nginx", "-g", "daemon off;"),
          List.of("java", "-jar", "app.jar", "--server.port={port}"),
          List.of("redis-server", "*:{port}"),
          List.of("ruby", "app.rb", "-p", "{port}"),
          List.of("/opt/tool/bin/agent", "--listen", "127.0.0.1:{port}"),
          List.of("sh", "-c", "exec ./serve --port {port}"),
          List.of("x"),
          List.of());

  private final PortRange range;
  private final List<FamilySample> samples;
  private final long slowMillis;

  /**
   * @param range the family's range
   * @param samples the family's own daemons, as its author describes them
   * @param slowMillis a delay past the HTTP timeout the engine gives a probe
   */
  Worlds(PortRange range, List<FamilySample> samples, long slowMillis) {
    this.range = range;
    this.samples = List.copyOf(samples);
    this.slowMillis = slowMillis;
  }

  /** The worlds of {@code kind}. */
  Gen<World> of(WorldKind kind) {
    return switch (kind) {
      case THIRD_PARTY ->
          holder(port(), pid(), constant(World.KITTY_UID), thirdParty(), anyReply(), false)
              .map(h -> new World(kind, List.of(h)));
      case LOOK_ALIKE ->
          holder(port(), pid(), constant(World.KITTY_UID), thirdParty(), lookAlikeReply(), true)
              .map(h -> new World(kind, List.of(h)));
      case OTHER_USER ->
          holder(port(), pid(), otherUser(), own(), ownReply(), false)
              .map(h -> new World(kind, List.of(h)));
      case HOSTILE_ANSWERS ->
          holder(port(), pid(), constant(World.KITTY_UID), ownOrThirdParty(), hostileReply(), false)
              .map(h -> new World(kind, List.of(h)));
      case RANGE_EDGES -> edges();
      case EVIDENCE ->
          holder(
                  port(),
                  pid(),
                  constant(World.KITTY_UID),
                  ownOrThirdParty(),
                  frequency(
                      Pair.of(3, ownReply()), Pair.of(1, anyReply()), Pair.of(1, lookAlikeReply())),
                  false)
              .map(h -> new World(kind, List.of(h)));
    };
  }

  /** The range's edges inside and out, each held by one of the family's own or a third party. */
  private Gen<World> edges() {
    List<Integer> ports = new ArrayList<>();
    for (int p : new int[] {range.from() - 1, range.from(), range.to() - 1, range.to()}) {
      if (p >= 1 && p <= 65_535 && !ports.contains(p)) {
        ports.add(p);
      }
    }
    Gen<List<Holder>> holders = constant(List.<Holder>of());
    long base = 0;
    for (int port : ports) {
      long offset = base++;
      Gen<Holder> h =
          holder(
              constant(port),
              pid().map(pid -> pid * 8 + offset), // distinct pids, one per edge
              constant(World.KITTY_UID),
              ownOrThirdParty(),
              frequency(Pair.of(3, ownReply()), Pair.of(1, anyReply())),
              false);
      holders =
          holders.zip(
              h,
              (list, next) -> {
                List<Holder> out = new ArrayList<>(list);
                out.add(next);
                return out;
              });
    }
    return holders.map(list -> new World(WorldKind.RANGE_EDGES, list));
  }

  private Gen<Integer> port() {
    int last = range.to() - 1;
    return frequency(
        Pair.of(1, constant(range.from())),
        Pair.of(1, constant(last)),
        Pair.of(3, range(range.from(), last)));
  }

  /**
   * Another user: root or an ordinary one. (An owner kitty cannot tell, uid -1, is what the
   * portable process tables give for every process on macOS and Windows; there the gate's own check
   * at signal time decides, so it is not a rule a family can keep.)
   */
  private static Gen<Integer> otherUser() {
    return frequency(Pair.of(1, constant(0)), Pair.of(3, range(1001, 60_000)));
  }

  private static Gen<Long> pid() {
    return longRange(2, 4_194_304);
  }

  private static Gen<List<String>> thirdParty() {
    return pick(THIRD_PARTIES);
  }

  /** One of the family's own command lines (a third party's when it gave no sample). */
  private Gen<List<String>> own() {
    return samples.isEmpty() ? thirdParty() : pick(samples).map(FamilySample::args);
  }

  private Gen<List<String>> ownOrThirdParty() {
    return frequency(Pair.of(2, own()), Pair.of(1, thirdParty()));
  }

  private Gen<Holder> holder(
      Gen<Integer> port,
      Gen<Long> pid,
      Gen<Integer> uid,
      Gen<List<String>> args,
      Gen<Answers> answers,
      boolean lookAlike) {
    return port.zip(
        pid,
        uid,
        args,
        answers,
        (p, id, u, a, r) ->
            new Holder(
                p,
                id,
                u,
                fill(a, p, id),
                r.fallback().filled(p, id),
                r.filledPaths(p, id),
                r.filledFiles(p, id),
                lookAlike));
  }

  private static List<String> fill(List<String> args, int port, long pid) {
    return args.stream().map(a -> fill(a, port, pid)).toList();
  }

  /**
   * The placeholders a sample may hold: {@code {port}} and {@code {pid}} become the world's, so a
   * sample answers for the process that holds the port.
   */
  static String fill(String s, int port, long pid) {
    return s.replace("{port}", Integer.toString(port)).replace("{pid}", Long.toString(pid));
  }

  /**
   * What a port answers, per path and for every other path, and the files of the sample it came
   * from (a look-alike keeps them: the family's own records may well be on the machine while
   * another program answers as its daemon).
   */
  record Answers(Map<String, Reply> paths, Reply fallback, List<FileEvidence> files) {
    Map<String, Reply> filledPaths(int port, long pid) {
      Map<String, Reply> out = new LinkedHashMap<>();
      paths.forEach((k, v) -> out.put(k, v.filled(port, pid)));
      return out;
    }

    List<FileEvidence> filledFiles(int port, long pid) {
      return files.stream()
          .map(
              f ->
                  new FileEvidence(
                      fill(f.path(), port, pid),
                      f.text() == null ? null : fill(f.text(), port, pid),
                      f.ownerUid(),
                      f.worldWritable(),
                      f.error(),
                      f.groupWritable()))
          .toList();
    }

    static Answers everywhere(Reply r) {
      return new Answers(Map.of(), r, List.of());
    }
  }

  /** Replies a web server of any kind gives. */
  private Gen<Answers> anyReply() {
    Gen<Reply> plain =
        pick(
            List.of(
                Reply.SILENT,
                new Reply(200, "<!doctype html><title>It works</title>", 0),
                new Reply(404, "Not Found", 0),
                new Reply(500, "{\"error\":\"internal\"}", 0),
                new Reply(200, "", 0),
                new Reply(200, "{\"status\":\"ok\"}", 0),
                new Reply(200, "[1,2,3]", 0),
                new Reply(401, "{\"error\":\"token required\"}", 0)));
    return frequency(Pair.of(4, plain), Pair.of(1, jsonReply()), Pair.of(1, hostile()))
        .map(Answers::everywhere);
  }

  /** A JSON object of random shape: what any API's health endpoint might say. */
  private static Gen<Reply> jsonReply() {
    Gen<String> key =
        pick(List.of("status", "pid", "port", "version", "token", "name", "ok", "project_path"));
    Gen<Object> value =
        frequency(
            Pair.of(1, longRange(-1, 4_194_304).map(v -> (Object) v)),
            Pair.of(1, pick(List.<Object>of("ok", "", "x", "1.0.0", "/tmp/p"))),
            Pair.of(1, constant((Object) Boolean.TRUE)));
    return key.zip(
        value,
        key,
        value,
        (k1, v1, k2, v2) -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put(k1, v1);
          m.put(k2, v2);
          return new Reply(200, JsonText.write(m), 0);
        });
  }

  /** Silence, garbage, a huge or deeply nested body, or an answer too late. */
  private Gen<Reply> hostile() {
    return pick(
        List.of(
            Reply.SILENT,
            new Reply(200, "\u0000\u00ff\u0001garbage{{{\"", 0),
            new Reply(200, "{\"status\":", 0),
            new Reply(200, "[".repeat(200) + "]".repeat(200), 0),
            new Reply(200, "{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}", 0),
            new Reply(200, "x".repeat(200 * 1024), 0),
            new Reply(200, "{\"pad\":\"" + "y".repeat(300 * 1024) + "\"}", 0),
            new Reply(200, "{\"status\":\"ok\"}", slowMillis),
            new Reply(-1, "", slowMillis)));
  }

  private Gen<Answers> hostileReply() {
    return hostile().map(Answers::everywhere);
  }

  /** One of the family's own answers as its sample gives them (silence when it gave none). */
  private Gen<Answers> ownReply() {
    if (samples.isEmpty()) {
      return constant(Answers.everywhere(Reply.SILENT));
    }
    return pick(samples).map(Worlds::answersOf);
  }

  private static Answers answersOf(FamilySample s) {
    Map<String, Reply> paths = new LinkedHashMap<>();
    s.answers().forEach((path, body) -> paths.put(path, new Reply(200, body, 0)));
    return new Answers(paths, Reply.SILENT, s.files());
  }

  /**
   * One of the family's own answers, as it is or altered: a field removed, emptied, set to null,
   * given another type, or a number replaced (another pid, another port).
   */
  private Gen<Answers> lookAlikeReply() {
    if (samples.isEmpty()) {
      return jsonReply().map(Answers::everywhere);
    }
    Gen<Integer> mutation = range(0, 5);
    Gen<Integer> which = range(0, 31);
    Gen<Long> number = longRange(0, 4_194_304);
    return pick(samples)
        .zip(
            mutation,
            which,
            number,
            (s, m, w, n) -> {
              Map<String, Reply> paths = new LinkedHashMap<>();
              s.answers()
                  .forEach(
                      (path, body) -> paths.put(path, new Reply(200, alter(body, m, w, n), 0)));
              return new Answers(paths, Reply.SILENT, s.files());
            });
  }

  /** {@code body} with mutation {@code m} (0: none) applied to its {@code w}-th field. */
  static String alter(String body, int m, int w, long n) {
    if (m == 0) {
      return body;
    }
    Map<String, Object> json;
    try {
      json = new LinkedHashMap<>(JsonText.parseObject(body));
    } catch (RuntimeException notJson) {
      return m % 2 == 0 ? body.substring(0, body.length() / 2) : body + "\n" + n;
    }
    if (json.isEmpty()) {
      return body;
    }
    List<String> keys = new ArrayList<>(json.keySet());
    String key = keys.get(w % keys.size());
    switch (m) {
      case 1 -> json.remove(key);
      case 2 -> json.put(key, json.get(key) instanceof String ? "" : null);
      case 3 -> json.put(key, json.get(key) instanceof Number ? String.valueOf(json.get(key)) : n);
      default -> json.put(key, json.get(key) instanceof Number ? n : "not-" + json.get(key));
    }
    return JsonText.write(json);
  }
}
