package dev.kitty.testkit;

import dev.kitty.api.FileEvidence;
import dev.kitty.api.HttpAnswer;
import dev.kitty.api.ListenerView;
import dev.kitty.api.PortRange;
import dev.kitty.api.ProbeContext;
import dev.kitty.api.ProcessView;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * A probe context for unit tests of a family's {@code identify}: one listener of a {@link
 * TestWorld}, its processes, and the canned HTTP answers and files a probe reads. Live behaviour is
 * tested on real processes elsewhere; this pins the family's decision table on recorded inputs. A
 * family's tests use this rather than the engine's own probe context because the engine's internals
 * are closed to the family modules (ADR 28).
 */
public final class FakeProbeContext implements ProbeContext {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final PortRange range;
  private final TestWorld world = new TestWorld();
  private final ListenerView listener;
  private final Map<Long, ProcessView> processes = world.processes;
  private final Map<String, HttpAnswer> http = new HashMap<>();
  private final Map<String, FileEvidence> files = new HashMap<>();
  private final Map<String, java.util.function.Function<String, Object>> responders =
      new HashMap<>();
  private final Map<String, dev.kitty.api.LaunchView> launches = new HashMap<>();
  private final List<String> asked = new java.util.ArrayList<>();
  private final Map<String, HttpAnswer> queryRefusals = new HashMap<>();
  private int uid = TestWorld.UID;
  private final Map<String, String> environment = new HashMap<>();

  /** A context for a listener on {@code port} held by {@code holders}. */
  public FakeProbeContext(PortRange range, int port, Long... holders) {
    this.range = range;
    world.listener(port, holders);
    this.listener = world.listeners.getFirst();
  }

  /** A process of the current user. */
  public static ProcessView process(
      long pid, long ppid, List<String> args, Map<String, String> cookies) {
    String command =
        args.isEmpty() ? "" : args.getFirst().substring(args.getFirst().lastIndexOf('/') + 1);
    return TestWorld.view(
        pid, ppid, pid, pid, TestWorld.UID, "dev", pid * 10, Instant.EPOCH, command, args, cookies);
  }

  /** Puts a launch on kitty's record, found by its cookie. */
  public FakeProbeContext launch(dev.kitty.api.LaunchView l) {
    launches.put(l.launchId(), l);
    return this;
  }

  @Override
  public Optional<dev.kitty.api.LaunchView> launch(String launchId) {
    return Optional.ofNullable(launches.get(launchId));
  }

  /** Sets a variable of kitty's environment as the probe sees it. */
  public FakeProbeContext env(String name, String value) {
    environment.put(name, value);
    return this;
  }

  /** A folder owned by {@code ownerUid}, writable by its group or others when so said. */
  public FakeProbeContext directory(String path, int ownerUid, boolean othersMayWrite) {
    files.put(
        path,
        new FileEvidence(
            path, null, ownerUid, othersMayWrite, FileEvidence.IS_DIRECTORY, othersMayWrite));
    return this;
  }

  @Override
  public Optional<String> environment(String name) {
    return Optional.ofNullable(environment.get(name));
  }

  /** Adds a process. */
  public FakeProbeContext with(ProcessView p) {
    processes.put(p.pid(), p);
    return this;
  }

  /** {@code path} answers 200 with {@code body} as JSON. */
  public FakeProbeContext json(String path, Object body) {
    String text = JSON.writeValueAsString(body);
    @SuppressWarnings("unchecked")
    Map<String, Object> parsed = body instanceof Map<?, ?> ? JSON.readValue(text, Map.class) : null;
    http.put(
        path,
        new HttpAnswer("http://127.0.0.1:" + listener.port() + path, 200, text, parsed, null));
    return this;
  }

  /**
   * Requests to {@code path} that carry a query answer {@code status} with a plain-text {@code
   * body}: a server that refuses a query it does not know.
   */
  public FakeProbeContext refusesQuery(String path, int status, String body) {
    queryRefusals.put(
        path,
        new HttpAnswer("http://127.0.0.1:" + listener.port() + path, status, body, null, null));
    return this;
  }

  /** A listener that accepts but never answers: every request runs into its deadline. */
  public FakeProbeContext silent() {
    responders.put(
        "",
        p -> {
          throw new IllegalStateException("silent");
        });
    return this;
  }

  /** Every request path a probe asked, in order. */
  public List<String> asked() {
    return List.copyOf(asked);
  }

  /**
   * {@code path} answers 200 with the JSON {@code answer} computes from the full request path
   * (query included): for probes that send a challenge.
   */
  public FakeProbeContext json(String path, java.util.function.Function<String, Object> answer) {
    responders.put(path, answer);
    return this;
  }

  /** A file owned by another user ({@code ownerUid}), mode 0600. */
  public FakeProbeContext foreignFile(String path, String text, int ownerUid) {
    files.put(path, new FileEvidence(path, text, ownerUid, false, null));
    return this;
  }

  /**
   * A file with this content, owned by the current user, mode 0600 unless {@code worldWritable}.
   */
  public FakeProbeContext file(String path, String text, boolean worldWritable) {
    if (text == null) {
      files.remove(path); // no such file
      return this;
    }
    files.put(path, new FileEvidence(path, text, uid, worldWritable, null, worldWritable));
    return this;
  }

  @Override
  public PortRange range() {
    return range;
  }

  @Override
  public ListenerView listener() {
    return listener;
  }

  @Override
  public Optional<ProcessView> process() {
    return listener.holderPids().stream().findFirst().map(processes::get);
  }

  @Override
  public Optional<ProcessView> process(long pid) {
    return Optional.ofNullable(processes.get(pid));
  }

  @Override
  public List<ProcessView> children(long pid) {
    return processes.values().stream().filter(p -> p.ppid() == pid).toList();
  }

  @Override
  public int currentUid() {
    return uid;
  }

  @Override
  public FileEvidence singletonRecord() {
    return readFile(stateDir() + "/records/sync.json");
  }

  @Override
  public HttpAnswer httpGet(String path) {
    // A probe may add a query (the sync family's challenge); canned answers are keyed by path.
    asked.add(path);
    String url = "http://127.0.0.1:" + listener.port() + path;
    if (responders.containsKey("")) {
      return HttpAnswer.failed(url, "no answer within 1500 ms");
    }
    int q = path.indexOf('?');
    if (q > 0 && queryRefusals.containsKey(path.substring(0, q))) {
      return queryRefusals.get(path.substring(0, q));
    }
    var responder = responders.get(q > 0 ? path.substring(0, q) : path);
    if (responder != null) {
      String text = JSON.writeValueAsString(responder.apply(path));
      @SuppressWarnings("unchecked")
      Map<String, Object> parsed = JSON.readValue(text, Map.class);
      return new HttpAnswer("http://127.0.0.1:" + listener.port() + path, 200, text, parsed, null);
    }
    if (!http.containsKey(path) && q > 0 && http.containsKey(path.substring(0, q))) {
      return http.get(path.substring(0, q));
    }
    return http.getOrDefault(
        path,
        HttpAnswer.failed(
            "http://127.0.0.1:" + listener.port() + path, "ConnectException: Connection refused"));
  }

  @Override
  public HttpAnswer httpGet(String path, Duration timeout) {
    return httpGet(path);
  }

  @Override
  public FileEvidence readFile(String path) {
    FileEvidence f = files.get(path);
    if (f != null) {
      return f;
    }
    // The folders above a file there are there too, owned as the file is.
    for (FileEvidence inside : files.values()) {
      if (inside.path().startsWith(path.endsWith("/") ? path : path + "/")) {
        return new FileEvidence(
            path, null, inside.ownerUid(), false, FileEvidence.IS_DIRECTORY, false);
      }
    }
    return new FileEvidence(path, null, -1, false, FileEvidence.NO_SUCH_FILE);
  }

  @Override
  public String stateDir() {
    return "/tmp/kitty-state";
  }
}
