package dev.kitty.bench;

import dev.kitty.api.Family;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.identity.Classifier;
import dev.kitty.engine.internal.registry.FamilyRegistry;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.ScanReport;
import dev.kitty.family.dashboard.DashboardFamily;
import dev.kitty.family.devstack.DevstackFamily;
import dev.kitty.family.sync.SyncFamily;
import dev.kitty.family.webui.WebuiFamily;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The in-process scan of all four built-in families with LISTENERS listeners in the dashboard range
 * (one fixture process answering 404) and PROCESSES extra processes on the machine. Everything the
 * setup starts carries KITTY_TEST and is killed by PID in the teardown.
 *
 * <p>Runs on the class path, so it builds the registry from the family classes directly.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ScanBenchmark {

  @Param("100")
  int listeners;

  @Param("500")
  int processes;

  private final List<Process> started = new ArrayList<>();
  private Classifier classifier;
  private Classifier classifierInShell;
  private List<dev.kitty.api.ListenerView> fixedListeners;
  private dev.kitty.engine.internal.discovery.ProcessSnapshot fixedSnapshot;
  private Platform platform;
  private List<FamilyInfo> families;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    String cookie = "bench-" + ProcessHandle.current().pid();
    for (int i = 0; i < processes; i++) {
      ProcessBuilder pb =
          new ProcessBuilder("sleep", "3600").redirectOutput(ProcessBuilder.Redirect.DISCARD);
      pb.environment().put("KITTY_TEST", cookie);
      started.add(pb.start());
    }
    Path fixture =
        Path.of(System.getProperty("kitty.bench.fixtures", "bench/fixtures"), "many_listeners.py");
    ProcessBuilder pb =
        new ProcessBuilder("python3", fixture.toString(), "9237", Integer.toString(listeners));
    pb.environment().put("KITTY_TEST", cookie);
    Process server = pb.start();
    started.add(server);
    try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream()))) {
      if (!"ready".equals(r.readLine())) {
        throw new IllegalStateException("the listener fixture did not start");
      }
    }
    List<Family> builtins =
        List.of(new DashboardFamily(), new DevstackFamily(), new SyncFamily(), new WebuiFamily());
    families =
        builtins.stream()
            .map(f -> new FamilyInfo(f, f.defaultRange(), "bench", "builtin", "bench"))
            .toList();
    platform = Platform.detect();
    FamilyRegistry registry = new FamilyRegistry(families, List.of());
    classifier = classifier(registry, dev.kitty.engine.internal.identity.VerdictCache.none());
    classifierInShell =
        classifier(
            registry, new dev.kitty.engine.internal.identity.VerdictCache(Duration.ofSeconds(2)));
    fixedListeners = classifier.listenersInRanges();
    fixedSnapshot = new dev.kitty.engine.internal.discovery.ProcessSnapshot(platform.processes());
    ScanReport check = classifier.scan(families);
    if (check.families().getFirst().candidates().size() != listeners) {
      throw new IllegalStateException(
          "expected "
              + listeners
              + " dashboard candidates, got "
              + check.families().getFirst().candidates().size());
    }
  }

  private Classifier classifier(
      FamilyRegistry registry, dev.kitty.engine.internal.identity.VerdictCache verdicts) {
    return new Classifier(
        platform,
        registry,
        "/tmp/kitty-bench-state",
        Duration.ofSeconds(3),
        Duration.ofMillis(1500),
        false,
        verdicts);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    for (Process p : started) {
      p.toHandle().destroyForcibly();
    }
    for (Process p : started) {
      p.toHandle().onExit().join();
    }
  }

  /** The whole scan: listeners, holders, process views, all probes (100 HTTP round trips). */
  @Benchmark
  public ScanReport scanAllFamilies() {
    return classifier.scan(families);
  }

  /**
   * The same scan as the shell runs it: never_touch verdicts of the previous scan reused (ADR 23),
   * so the 100 third-party listeners are not probed again within 2 s.
   */
  @Benchmark
  public ScanReport scanAllFamiliesInShell() {
    return classifierInShell.scan(families);
  }

  /**
   * Classification alone on a fixed discovery (listeners and process snapshot taken once): the
   * families' probes and the engine's rules.
   */
  @Benchmark
  public ScanReport classifyOnly() {
    return classifier.classify(families, fixedListeners, fixedSnapshot);
  }

  /** Discovery alone: every listener in the ranges with all holders (the /proc walk). */
  @Benchmark
  public Object discoverListeners() {
    return classifier.listenersInRanges();
  }
}
