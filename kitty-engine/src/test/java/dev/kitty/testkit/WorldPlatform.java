package dev.kitty.testkit;

import dev.kitty.api.ProcessView;
import dev.kitty.engine.internal.discovery.ListenerScanner;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.discovery.ProcessNode;
import dev.kitty.engine.internal.discovery.ProcessTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link TestWorld} as the engine's discovery backend: the engine's own tests run the real
 * classifier, probe context, gate and stop executor over it. Only the engine's tests use this class
 * (it names engine internals); a family's tests use {@link FakeProbeContext}.
 */
public final class WorldPlatform {
  private WorldPlatform() {}

  /** The platform that discovers {@code world}'s processes and listeners, as {@code name}. */
  public static Platform of(TestWorld world, String name) {
    ProcessTable table =
        new ProcessTable() {
          @Override
          public Map<Long, ProcessNode> nodes() {
            Map<Long, ProcessNode> out = new LinkedHashMap<>();
            for (long pid : new ArrayList<>(world.processes.keySet())) {
              world.current(pid).ifPresent(p -> out.put(pid, WorldPlatform.node(p)));
            }
            return out;
          }

          @Override
          public Optional<ProcessNode> node(long pid) {
            world.beforeSingleLookup();
            return world.current(pid).map(WorldPlatform::node);
          }

          @Override
          public Optional<ProcessView> view(long pid) {
            return world.current(pid);
          }

          @Override
          public int currentUid() {
            return TestWorld.UID;
          }
        };
    ListenerScanner scanner = world::liveListeners;
    return new Platform(name, Platform.Os.OTHER, table, scanner);
  }

  /** The node discovery keeps of {@code p}. */
  public static ProcessNode node(ProcessView p) {
    return new ProcessNode(p.pid(), p.ppid(), p.pgid(), p.startTicks(), p.state(), p.command());
  }
}
