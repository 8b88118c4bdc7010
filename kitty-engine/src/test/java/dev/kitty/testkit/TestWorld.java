package dev.kitty.testkit;

import dev.kitty.api.ListenerView;
import dev.kitty.api.ProcessView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The one in-memory machine every unit test describes: processes and the listening sockets they
 * hold. The engine's tests run the real classification ({@code ScanProbeContext}), gate and stop
 * executor over it, with {@link WorldPlatform} in place of the OS's discovery and a {@link
 * RecordingSignaller} in place of its signals; a family's tests ask it through {@link
 * FakeProbeContext}, which adds the HTTP answers and files a probe reads. Nothing here touches a
 * real process. A listener's holders that died are dropped from it, and a listener all of whose
 * holders died is gone (one added without holders stays: no process is visible for it).
 */
public class TestWorld {

  /** The uid kitty runs as in the world. */
  public static final int UID = 1000;

  /** Every process, by pid. */
  public final Map<Long, ProcessView> processes = new ConcurrentHashMap<>();

  /** Every listening socket, in the order added. */
  public final List<ListenerView> listeners = new CopyOnWriteArrayList<>();

  /** A process of {@code uid} whose argv is {@code args}, started at stamp {@code pid * 10}. */
  public TestWorld process(long pid, long ppid, int uid, String... args) {
    processes.put(
        pid,
        view(
            pid,
            ppid,
            pid,
            pid,
            uid,
            "u" + uid,
            pid * 10,
            Instant.EPOCH,
            args.length == 0 ? "x" : args[0],
            List.of(args),
            Map.of()));
    return this;
  }

  /** A listening socket on loopback {@code port} held by {@code holders}. */
  public TestWorld listener(int port, Long... holders) {
    listeners.add(
        new ListenerView("127.0.0.1", port, false, listeners.size() + 1, List.of(holders)));
    return this;
  }

  /** A running process as discovery reports it: one thread, no cwd or executable path known. */
  public static ProcessView view(
      long pid,
      long ppid,
      long pgid,
      long sid,
      int uid,
      String user,
      long startTicks,
      Instant start,
      String command,
      List<String> args,
      Map<String, String> cookies) {
    return new ProcessView(
        pid,
        ppid,
        pgid,
        sid,
        uid,
        user,
        startTicks,
        start,
        command,
        args,
        null,
        null,
        1,
        "S",
        cookies,
        true);
  }

  /** The process {@code pid} is now; a world that changes under a command overrides it. */
  public Optional<ProcessView> current(long pid) {
    return Optional.ofNullable(processes.get(pid));
  }

  /** Called before a single process is looked up: only the gate and a stop poll single nodes. */
  public void beforeSingleLookup() {}

  /**
   * The listeners on ports {@code ports} accepts, each with its holders that are still alive; one
   * whose holders all died is gone.
   */
  public List<ListenerView> liveListeners(java.util.function.IntPredicate ports) {
    List<ListenerView> out = new ArrayList<>();
    for (ListenerView l : listeners) {
      List<Long> alive = l.holderPids().stream().filter(processes::containsKey).toList();
      if ((l.holderPids().isEmpty() || !alive.isEmpty()) && ports.test(l.port())) {
        out.add(l.withHolders(alive));
      }
    }
    return out;
  }
}
