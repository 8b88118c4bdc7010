package dev.kitty.engine;

import dev.kitty.api.Family;
import dev.kitty.api.FileEvidence;
import dev.kitty.api.HttpAnswer;
import dev.kitty.api.ListenerView;
import dev.kitty.api.PortRange;
import dev.kitty.api.ProcessView;
import dev.kitty.engine.internal.discovery.ListenerScanner;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.discovery.ProcessNode;
import dev.kitty.engine.internal.discovery.ProcessTable;
import dev.kitty.engine.internal.http.LoopbackHttp;
import dev.kitty.engine.internal.identity.Classifier;
import dev.kitty.engine.internal.identity.ProbeIo;
import dev.kitty.engine.internal.registry.FamilyRegistry;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.ScanReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A machine made of data — processes, listening sockets, the HTTP answers each port gives and the
 * files a probe may read — and the engine's own classification over it (ADR 35): the same
 * classifier, probe context, engine rules and deadlines as {@code kitty scan}, with one family
 * loaded, and nothing real reached (no port is asked, no file read, no process signalled). The
 * family test kit generates such machines to prove a family safe.
 */
public final class SimulatedMachine {

  /** An HTTP answer the machine gives after {@code delay}. */
  public record Answer(HttpAnswer answer, Duration delay) {}

  private final int uid;
  private final Map<Long, ProcessView> processes = new LinkedHashMap<>();
  private final List<ListenerView> listeners = new ArrayList<>();
  private final Map<String, Answer> answers = new LinkedHashMap<>();
  private final Map<String, FileEvidence> files = new LinkedHashMap<>();
  private final Map<String, String> environment = new LinkedHashMap<>();

  /** An empty machine on which kitty runs as {@code uid}. */
  public SimulatedMachine(int uid) {
    this.uid = uid;
  }

  /** Adds (or replaces) a process. */
  public SimulatedMachine process(ProcessView p) {
    processes.put(p.pid(), p);
    return this;
  }

  /** Adds a listening socket. */
  public SimulatedMachine listener(ListenerView l) {
    listeners.add(l);
    return this;
  }

  /** What {@code GET path} on {@code port} answers, after {@code delay}; unset paths refuse. */
  public SimulatedMachine answer(int port, String path, HttpAnswer a, Duration delay) {
    answers.put(port + " " + path, new Answer(a, delay));
    return this;
  }

  /** What every path on {@code port} answers that has no answer of its own. */
  public SimulatedMachine answerEveryPath(int port, HttpAnswer a, Duration delay) {
    answers.put(port + " *", new Answer(a, delay));
    return this;
  }

  /** A file a probe may read (its path is the evidence's); unset paths do not exist. */
  public SimulatedMachine file(FileEvidence f) {
    files.put(f.path(), f);
    return this;
  }

  /** A variable of kitty's environment, as families see it. */
  public SimulatedMachine environment(String name, String value) {
    environment.put(name, value);
    return this;
  }

  /**
   * Classifies every listener in {@code range} with {@code family}, as {@code kitty scan} does,
   * bounded by {@code probeTimeout} per probe and {@code httpTimeout} per answer.
   */
  public ScanReport scan(
      Family family, PortRange range, Duration probeTimeout, Duration httpTimeout) {
    FamilyInfo info = new FamilyInfo(family, range, "simulated", "simulated", "simulated");
    FamilyRegistry registry = new FamilyRegistry(List.of(info), List.of());
    return new Classifier(
            platform(), registry, "/nonexistent-kitty-state", probeTimeout, httpTimeout)
        .withProbeIo(io())
        .withEnvironment(environment)
        .scan(List.of(info));
  }

  private Platform platform() {
    ProcessTable table =
        new ProcessTable() {
          @Override
          public Map<Long, ProcessNode> nodes() {
            Map<Long, ProcessNode> out = new LinkedHashMap<>();
            processes.forEach((pid, p) -> out.put(pid, SimulatedMachine.node(p)));
            return out;
          }

          @Override
          public Optional<ProcessNode> node(long pid) {
            return view(pid).map(SimulatedMachine::node);
          }

          @Override
          public Optional<ProcessView> view(long pid) {
            return Optional.ofNullable(processes.get(pid));
          }

          @Override
          public int currentUid() {
            return uid;
          }
        };
    ListenerScanner scanner =
        ports -> listeners.stream().filter(l -> ports.test(l.port())).toList();
    return new Platform("simulated", Platform.Os.OTHER, table, scanner);
  }

  private static ProcessNode node(ProcessView p) {
    return new ProcessNode(p.pid(), p.ppid(), p.pgid(), p.startTicks(), p.state(), p.command());
  }

  private ProbeIo io() {
    return new ProbeIo() {
      @Override
      public HttpAnswer get(ListenerView l, String path, Duration timeout) {
        String url = "http://127.0.0.1:" + l.port() + path;
        Answer a = answers.getOrDefault(l.port() + " " + path, answers.get(l.port() + " *"));
        if (a == null) {
          return HttpAnswer.failed(url, "connection refused");
        }
        // Slow answers take their time, as a real one would, up to the timeout the engine sets.
        boolean late = a.delay().compareTo(timeout) > 0;
        try {
          Thread.sleep(late ? timeout : a.delay());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return HttpAnswer.failed(url, "interrupted");
        }
        if (late) {
          return HttpAnswer.failed(url, "timed out after " + timeout.toMillis() + " ms");
        }
        // The bound the real reader keeps: a body past it is no answer.
        return a.answer().body().length() > LoopbackHttp.MAX_BODY
            ? HttpAnswer.failed(url, "answer larger than " + LoopbackHttp.MAX_BODY + " bytes")
            : a.answer();
      }

      @Override
      public FileEvidence read(String path) {
        FileEvidence f = files.get(path);
        return f != null
            ? f
            : new FileEvidence(path, null, -1, false, FileEvidence.NO_SUCH_FILE, false);
      }
    };
  }
}
