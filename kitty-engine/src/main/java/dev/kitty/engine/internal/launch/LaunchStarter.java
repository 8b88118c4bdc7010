package dev.kitty.engine.internal.launch;

import dev.kitty.api.LaunchSpec;
import dev.kitty.api.ListenerView;
import dev.kitty.api.ProcessView;
import dev.kitty.engine.internal.CrashPoints;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.discovery.ProcessSnapshot;
import dev.kitty.engine.internal.signal.SignalGate;
import dev.kitty.engine.internal.state.LaunchRecord;
import dev.kitty.engine.internal.state.LaunchRegistry;
import dev.kitty.engine.internal.state.StateStore;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.KittyException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Spawns one named launch and records it: the start half of {@link Launches}. */
final class LaunchStarter {

  private final Platform platform;
  private final StateStore store;
  private final LaunchHealth health;

  LaunchStarter(Platform platform, StateStore store, LaunchHealth health) {
    this.platform = platform;
    this.store = store;
    this.health = health;
  }

  /** {@code port} is {@code auto} (null: the first free one), {@code none} (0) or a number. */
  static Integer parsePort(FamilyInfo family, String port) {
    if (port == null || port.equals("auto")) {
      return null;
    }
    if (port.equals(Launches.NO_PORT)) {
      return 0;
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new KittyException.Usage("--port must be a number or auto, got \"" + port + "\"");
    }
    if (!family.range().contains(p)) {
      throw new KittyException.Usage(
          "port " + p + " is outside family " + family.id() + "'s range " + family.range());
    }
    return p;
  }

  /**
   * Spawns {@code plan} under its name's lock (held by the caller), recording the intent before the
   * spawn and the processes once it is healthy.
   */
  LaunchRecord startLocked(StartPlan plan, LaunchRegistry registry, SignalGate gate) {
    int port = plan.explicitPort() == null ? freePort(plan.family()) : plan.explicitPort();
    if (plan.explicitPort() != null && port > 0 && PortAllocator.taken(port)) {
      throw new KittyException.Failed(
          "port "
              + port
              + " is taken by "
              + health.holders(port)
              + "; kitty doctor "
              + plan.family().id()
              + " says whose it is, or start with --port auto");
    }
    String launchId = UUID.randomUUID().toString();
    Path recordFile = registry.file(plan.family().id(), plan.name());
    LaunchRecord[] intent = new LaunchRecord[1];
    LaunchSpec run =
        new LaunchSpec(plan.command(), plan.shell(), plan.healthPath(), plan.startTimeout());
    Launcher launcher = new Launcher(platform, store, gate);
    Launcher.Launched launched;
    try {
      launched =
          launcher.launch(
              plan.family(),
              run,
              port,
              plan.scope(),
              recordFile,
              plan.env(),
              launchId,
              plan.cwd(),
              plan.confinement(),
              (id, floor, cell) -> {
                intent[0] =
                    new LaunchRecord(
                        plan.family().id(),
                        plan.name(),
                        "starting",
                        id,
                        floor,
                        plan.command(),
                        plan.shell(),
                        plan.portRequest() == null ? "auto" : plan.portRequest(),
                        port,
                        plan.healthPath(),
                        plan.cwd() == null ? null : plan.cwd().toString(),
                        -1,
                        -1,
                        -1,
                        -1,
                        -1,
                        -1,
                        store.logsDir().resolve(plan.family().id() + "-" + id + ".log").toString(),
                        Instant.now().toString(),
                        null,
                        plan.restarts(),
                        null,
                        plan.scope(),
                        null,
                        cell == null ? null : cell.path(),
                        cell == null ? -1 : cell.id(),
                        plan.confinement());
                registry.write(intent[0]);
              });
    } catch (KittyException e) {
      if (intent[0] != null) {
        LaunchRecord failed = intent[0].with("failed", Instant.now().toString(), e.getMessage());
        try {
          registry.write(failed);
          registry.history("failed", failed, e.getMessage());
        } catch (KittyException alsoUnwritable) {
          // The state disk that failed the start fails this too: the first error is the one told.
        }
      }
      throw e;
    }
    ProcessSnapshot snap = new ProcessSnapshot(platform.processes());
    long root = launched.node().pid();
    long main = mainPid(snap, port, launchId, intent[0].notBeforeTicks()).orElse(root);
    long mainTicks = snap.nodes().containsKey(main) ? snap.nodes().get(main).startTicks() : -1;
    boolean wrapped = main != root;
    Optional<ProcessView> rootView = snap.view(root);
    LaunchRecord r =
        new LaunchRecord(
            plan.family().id(),
            plan.name(),
            "running",
            launchId,
            intent[0].notBeforeTicks(),
            plan.command(),
            plan.shell(),
            intent[0].portRequest(),
            port,
            plan.healthPath(),
            intent[0].cwd(),
            wrapped ? root : -1,
            wrapped ? launched.node().startTicks() : -1,
            main,
            mainTicks,
            launched.node().pgid(),
            rootView.map(ProcessView::sid).orElse(root),
            launched.log().toString(),
            intent[0].startedAt(),
            null,
            plan.restarts(),
            null,
            plan.scope(),
            launched.token(),
            launched.cell() == null ? null : launched.cell().path(),
            launched.cell() == null ? -1 : launched.cell().id(),
            plan.confinement());
    CrashPoints.reach("launch.healthy");
    try {
      registry.write(r);
      registry.history(plan.event(), r, "pid " + main + (wrapped ? ", wrapper " + root : ""));
    } catch (KittyException e) {
      // Healthy but not on record (a full or read-only state disk): nothing may run that no record
      // names, so the tree goes, and the user is told why (ADR 19 addendum).
      launcher.abandon(plan.family(), launched);
      throw new KittyException.Failed(
          plan.family().id()
              + " launch "
              + plan.name()
              + " was healthy but could not be recorded ("
              + e.getMessage()
              + "); it was stopped");
    }
    return r;
  }

  /** The member of the launch that owns the port's listening socket. */
  private Optional<Long> mainPid(ProcessSnapshot snap, int port, String launchId, long floor) {
    List<Long> holders = new ArrayList<>();
    for (ListenerView l : platform.listeners().listeners(p -> p == port)) {
      for (long h : l.holderPids()) {
        Optional<ProcessView> v = snap.view(h);
        if (v.isPresent()
            && launchId.equals(v.get().cookies().get(ProcessView.LAUNCH_COOKIE))
            && v.get().startTicks() >= floor) {
          holders.add(h);
        }
      }
    }
    return snap.owner(holders);
  }

  private static int freePort(FamilyInfo family) {
    var free = PortAllocator.firstFree(family.range(), Set.of());
    if (free.isPresent()) {
      return free.getAsInt();
    }
    throw new KittyException.Failed(
        "no free port in family "
            + family.id()
            + "'s range "
            + family.range()
            + "; kitty doctor "
            + family.id()
            + " says who holds it");
  }
}
