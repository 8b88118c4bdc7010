package dev.kitty.engine.internal.identity;

import dev.kitty.api.ListenerView;
import dev.kitty.api.ProcessView;
import dev.kitty.engine.internal.discovery.ListenerScanner;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.discovery.ProcessNode;
import dev.kitty.engine.internal.discovery.ProcessTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntPredicate;

/** An in-memory world of processes and listeners, for property tests of classification. */
final class FakePlatform {

  static final int UID = 1000;

  final Map<Long, ProcessView> processes = new HashMap<>();
  final List<ListenerView> listeners = new ArrayList<>();

  FakePlatform process(long pid, long ppid, int uid, String... args) {
    processes.put(
        pid,
        new ProcessView(
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
            null,
            null,
            1,
            "S",
            Map.of(),
            true));
    return this;
  }

  FakePlatform listener(int port, Long... holders) {
    listeners.add(new ListenerView("127.0.0.1", port, false, port, List.of(holders)));
    return this;
  }

  static ProcessNode toNode(ProcessView p) {
    return new ProcessNode(p.pid(), p.ppid(), p.pgid(), p.startTicks(), p.state(), p.command());
  }

  Platform platform() {
    ProcessTable table =
        new ProcessTable() {
          @Override
          public Map<Long, ProcessNode> nodes() {
            Map<Long, ProcessNode> out = new HashMap<>();
            processes.forEach((pid, p) -> out.put(pid, toNode(p)));
            return out;
          }

          @Override
          public Optional<ProcessNode> node(long pid) {
            return Optional.ofNullable(processes.get(pid)).map(FakePlatform::toNode);
          }

          @Override
          public Optional<ProcessView> view(long pid) {
            return Optional.ofNullable(processes.get(pid));
          }

          @Override
          public int currentUid() {
            return UID;
          }
        };
    ListenerScanner scanner =
        (IntPredicate ports) -> listeners.stream().filter(l -> ports.test(l.port())).toList();
    return new Platform("fake", Platform.Os.OTHER, table, scanner);
  }
}
