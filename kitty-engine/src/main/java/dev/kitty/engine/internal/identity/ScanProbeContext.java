package dev.kitty.engine.internal.identity;

import dev.kitty.api.FileEvidence;
import dev.kitty.api.HttpAnswer;
import dev.kitty.api.LaunchView;
import dev.kitty.api.ListenerView;
import dev.kitty.api.PortRange;
import dev.kitty.api.ProbeContext;
import dev.kitty.api.ProcessView;
import dev.kitty.engine.internal.discovery.ProcessSnapshot;
import dev.kitty.engine.internal.state.LaunchRegistry;
import dev.kitty.engine.internal.state.StateStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The probe context of one candidate in one scan. */
final class ScanProbeContext implements ProbeContext {

  private final PortRange range;
  private final ListenerView listener;
  private final ProcessView owner;
  private final ProcessSnapshot snapshot;
  private final int currentUid;
  private final Duration httpTimeout;
  private final String stateDir;
  private final String singletonRecord;
  private final java.util.Map<String, String> environment;
  private final ProbeIo io;

  ScanProbeContext(
      PortRange range,
      ListenerView listener,
      ProcessView owner,
      ProcessSnapshot snapshot,
      int currentUid,
      Duration httpTimeout,
      String stateDir,
      String singletonRecord,
      java.util.Map<String, String> environment,
      ProbeIo io) {
    this.environment = environment;
    this.io = io;
    this.range = range;
    this.listener = listener;
    this.owner = owner;
    this.snapshot = snapshot;
    this.currentUid = currentUid;
    this.httpTimeout = httpTimeout;
    this.stateDir = stateDir;
    this.singletonRecord = singletonRecord;
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
    return Optional.ofNullable(owner);
  }

  @Override
  public Optional<ProcessView> process(long pid) {
    return snapshot.view(pid);
  }

  @Override
  public List<ProcessView> children(long pid) {
    return snapshot.children(pid);
  }

  @Override
  public int currentUid() {
    return currentUid;
  }

  @Override
  public HttpAnswer httpGet(String path) {
    return httpGet(path, httpTimeout);
  }

  @Override
  public HttpAnswer httpGet(String path, Duration timeout) {
    if (path == null
        || !path.startsWith("/")
        || path.contains("\r")
        || path.contains("\n")
        || path.contains(" ")) {
      return HttpAnswer.failed(
          String.valueOf(path),
          "refused: path must start with '/' and hold no spaces or line breaks");
    }
    Duration t = timeout.compareTo(httpTimeout) < 0 ? timeout : httpTimeout;
    return io.get(listener, path, t);
  }

  /**
   * The files this probe read, so that a verdict can be reused while they stay as they were (ADR
   * 23); null once the probe asked something no stamp can cover (kitty's launch registry).
   */
  private volatile List<VerdictCache.Stamp> evidenceRead =
      java.util.Collections.synchronizedList(new java.util.ArrayList<>());

  /** The files this probe read, as they were, or empty when its verdict rests on more. */
  Optional<List<VerdictCache.Stamp>> evidenceRead() {
    List<VerdictCache.Stamp> read = evidenceRead;
    return read == null ? Optional.empty() : Optional.of(List.copyOf(read));
  }

  /** Stamped before it is read: a change after this is seen by the next scan. */
  private void read(String path) {
    List<VerdictCache.Stamp> read = evidenceRead;
    if (read != null) {
      read.add(VerdictCache.Stamp.of(path));
    }
  }

  @Override
  public FileEvidence readFile(String path) {
    read(path);
    return io.read(path);
  }

  @Override
  public FileEvidence singletonRecord() {
    read(singletonRecord);
    return io.read(singletonRecord);
  }

  @Override
  public String stateDir() {
    return stateDir;
  }

  @Override
  public Optional<String> environment(String name) {
    return Optional.ofNullable(environment.get(name)).filter(v -> !v.isBlank());
  }

  @Override
  public Optional<LaunchView> launch(String launchId) {
    evidenceRead = null; // kitty's own records change with every start and stop: never reused
    if (launchId == null) {
      return Optional.empty();
    }
    // Read-only: a scan never moves a corrupt record aside; start, stop and status do.
    var registry = new LaunchRegistry(new StateStore(Path.of(stateDir)), false);
    return registry.all(null).stream()
        .filter(r -> r.launchId().equals(launchId))
        .findFirst()
        .map(
            r ->
                new LaunchView(
                    r.family(),
                    r.name(),
                    r.launchId(),
                    r.meantToRun(),
                    r.notBeforeTicks(),
                    r.pid(),
                    r.port(),
                    stoppedAt(r.stoppedAt())));
  }

  private static java.time.Instant stoppedAt(String iso) {
    try {
      return iso == null ? null : java.time.Instant.parse(iso);
    } catch (java.time.format.DateTimeParseException unreadable) {
      return null;
    }
  }
}
