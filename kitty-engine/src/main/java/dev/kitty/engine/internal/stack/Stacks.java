package dev.kitty.engine.internal.stack;

import dev.kitty.api.ProcessView;
import dev.kitty.api.StopPlan;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.launch.LaunchMembers;
import dev.kitty.engine.internal.launch.Launches;
import dev.kitty.engine.internal.registry.FamilySelector;
import dev.kitty.engine.internal.state.LaunchRecord;
import dev.kitty.engine.internal.state.LaunchRegistry;
import dev.kitty.engine.internal.state.StackRecord;
import dev.kitty.engine.internal.state.StateStore;
import dev.kitty.engine.model.CgroupUsage;
import dev.kitty.engine.model.Confinement;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.KittyException;
import dev.kitty.engine.model.LaunchReport;
import dev.kitty.engine.model.LaunchRequest;
import dev.kitty.engine.model.LaunchStatus;
import dev.kitty.engine.model.StackReport;
import dev.kitty.engine.model.StopProgress;
import dev.kitty.engine.model.StopReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Dev stacks: {@code up}, {@code down}, {@code ps} and the services' logs. Each service is a named
 * launch of the devstack family ({@code STACK.SERVICE}), so it gets everything a launch has — its
 * own session and group, the launch cookie, a record written before the spawn, health before
 * success, the gate for every signal — plus the stack's cookies {@code KITTY_STACK} and {@code
 * KITTY_SERVICE}. The stack itself is one record naming its services; every change to a stack
 * happens under the stack's lock.
 */
public final class Stacks {

  /** The family every stack's services belong to. */
  public static final String FAMILY = "devstack";

  /** The stack's cookie: every process of every service carries it. */
  static final String STACK_COOKIE = "KITTY_STACK";

  /** The service's cookie. */
  static final String SERVICE_COOKIE = "KITTY_SERVICE";

  private static final Duration VERIFY = Duration.ofSeconds(2);

  private final FamilySelector families;
  private final Platform platform;
  private final StateStore store;
  private final Launches launches;

  public Stacks(FamilySelector families, Platform platform, StateStore store, Launches launches) {
    this.families = families;
    this.platform = platform;
    this.store = store;
    this.launches = launches;
  }

  // ---------------------------------------------------------------- up

  /**
   * Starts every service of {@code file} that is not already running and healthy, dependencies
   * first, each only once what it depends on is healthy. When one fails, everything this call
   * started is stopped again and the failure names the service and why.
   *
   * @param env extra environment for every service (e.g. {@code KITTY_TEST})
   * @param progress told one line per service as it starts and becomes healthy
   */
  @SuppressWarnings("try") // the lock is held for the body's duration, never read
  public StackReport up(Path file, Map<String, String> env, Consumer<String> progress) {
    FamilyInfo family = families.one(FAMILY);
    Path abs = file.toAbsolutePath().normalize();
    StackFile stack = StackFile.read(abs, family.range());
    StackFile.checkCommands(stack, env);
    String id = StackRecord.id(abs);
    for (StackService s : stack.services()) {
      Launches.checkName(StackRecord.launchName(id, s.name()));
    }
    try (StateStore.Held held = store.lock("stack." + id)) {
      List<String> notes = new ArrayList<>();
      StackRecord record = record(id, abs, stack, "starting");
      Optional<StackRecord> before = readRecord(id, notes);
      before.ifPresent(
          b ->
              b.services().stream()
                  .filter(s -> record.services().stream().noneMatch(n -> n.name().equals(s.name())))
                  .forEach(
                      s ->
                          notes.add(
                              "service "
                                  + s.name()
                                  + " is no longer in "
                                  + abs.getFileName()
                                  + "; kitty down stops it with the rest")));
      // The services of the record before stay on it until down, even when the file dropped them.
      StackRecord merged = merge(record, before);
      merged.write(store);
      List<StackReport.Service> out = new ArrayList<>();
      List<StackService> startedNow = new ArrayList<>();
      for (StackService s : stack.services()) {
        String name = StackRecord.launchName(id, s.name());
        Map<String, String> serviceEnv = new LinkedHashMap<>(env);
        serviceEnv.putAll(s.env());
        serviceEnv.put(STACK_COOKIE, id);
        serviceEnv.put(SERVICE_COOKIE, s.name());
        Path cwd = s.folder(abs.getParent());
        // The services are cells of the stack's own cgroup: the stack's limits hold for them
        // together, each service's for itself (ADR 30).
        Confinement confinement = Confinement.ofStack(id, stack.limits(), s.limits());
        progress.accept("starting " + s.name() + " …");
        long t0 = System.nanoTime();
        LaunchReport r;
        try {
          r =
              launches.start(
                  new LaunchRequest(
                      FAMILY,
                      name,
                      s.port() == 0 ? Launches.NO_PORT : Integer.toString(s.port()),
                      true,
                      List.of(s.command()),
                      s.healthPath(),
                      cwd,
                      id,
                      serviceEnv,
                      s.startTimeout(),
                      confinement),
                  StopProgress.NONE);
        } catch (KittyException.Failed e) {
          List<StackReport.Service> rolledBack = rollBack(merged, startedNow, progress);
          merged.with("failed").write(store);
          throw new KittyException.Failed(
              "service "
                  + s.name()
                  + " of "
                  + abs
                  + " did not start: "
                  + e.getMessage()
                  + (rolledBack.isEmpty()
                      ? ""
                      : "\nstopped what this up had started: "
                          + String.join(
                              ", ",
                              rolledBack.stream()
                                  .map(x -> x.name() + " (" + x.state() + ")")
                                  .toList())));
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        if (!r.reused()) {
          startedNow.add(s);
        }
        notes.addAll(r.notes());
        progress.accept(
            s.name()
                + (r.reused() ? " already running" : " healthy")
                + " (pid "
                + r.pid()
                + (r.port() > 0 ? ", port " + r.port() : "")
                + (r.reused() ? "" : ", " + millis + " ms")
                + ")");
        out.add(
            new StackReport.Service(
                s.name(),
                name,
                r.reused() ? "reused" : "started",
                r.pid(),
                r.pgid(),
                r.port(),
                logOf(name),
                List.of(),
                0,
                0,
                millis,
                null));
      }
      merged.with("up").write(store);
      return new StackReport(id, abs.toString(), out, List.of(), empty(), notes);
    }
  }

  /** The services this up started, stopped again (dependents first), with their outcome. */
  private List<StackReport.Service> rollBack(
      StackRecord record, List<StackService> started, Consumer<String> progress) {
    List<StackReport.Service> out = new ArrayList<>();
    for (StackService s : started.reversed()) {
      progress.accept("stopping " + s.name() + " (the stack did not come up) …");
      record.services().stream()
          .filter(r -> r.name().equals(s.name()))
          .findFirst()
          .ifPresent(
              r ->
                  out.add(
                      stopService(
                          r, false, StopProgress.NONE, "kitty up failed: rolled back", null)));
    }
    return out;
  }

  /**
   * Stops one service on record with its grace (none with {@code force}) and says how it ended:
   * {@code stopped}, {@code failed} (with the reason) or {@code not running}.
   *
   * @param parts receives the stop report, or null
   */
  private StackReport.Service stopService(
      StackRecord.Service s,
      boolean force,
      StopProgress waits,
      String why,
      List<StopReport> parts) {
    long t0 = System.nanoTime();
    StopReport r =
        launches.stop(
            FAMILY,
            s.launch(),
            force ? StopPlan.forced(VERIFY) : StopPlan.group(s.stopGrace(), VERIFY),
            waits,
            why);
    long millis = (System.nanoTime() - t0) / 1_000_000;
    if (parts != null) {
      parts.add(r);
    }
    String state =
        !r.failed().isEmpty() ? "failed" : r.swept().isEmpty() ? "not running" : "stopped";
    return service(s, state, r.failed().isEmpty() ? null : r.failed().getFirst().reason(), millis);
  }

  private static StackRecord record(String id, Path abs, StackFile stack, String status) {
    List<StackRecord.Service> services = new ArrayList<>();
    for (StackService s : stack.services()) {
      services.add(
          new StackRecord.Service(
              s.name(),
              StackRecord.launchName(id, s.name()),
              s.port(),
              s.stopGrace(),
              s.maxProcesses(),
              s.maxRssBytes(),
              s.dependsOn()));
    }
    return new StackRecord(
        id,
        abs.toString(),
        status,
        services,
        java.time.Instant.now().toString(),
        stack.maxProcesses(),
        stack.maxRssBytes());
  }

  /** {@code now}'s services, then those only {@code before} had (so that down still stops them). */
  private static StackRecord merge(StackRecord now, Optional<StackRecord> before) {
    if (before.isEmpty()) {
      return now;
    }
    List<StackRecord.Service> services = new ArrayList<>(now.services());
    for (StackRecord.Service s : before.get().services()) {
      if (services.stream().noneMatch(n -> n.name().equals(s.name()))) {
        services.add(s);
      }
    }
    return new StackRecord(
        now.id(),
        now.file(),
        now.status(),
        services,
        now.updatedAt(),
        now.maxProcesses(),
        now.maxRssBytes());
  }

  // ---------------------------------------------------------------- down

  /**
   * Stops every service on record of the stack whose file is {@code file} (the file need not exist
   * any more), dependents first: TERM to each service's group and every member outside it, its stop
   * grace, then freeze and KILL what is left; with {@code force} no grace. Then checks that no
   * process carries the stack's cookie and that every port is free.
   */
  @SuppressWarnings("try") // the lock is held for the body's duration, never read
  public StackReport down(Path file, boolean force, Consumer<String> progress, StopProgress waits) {
    Path abs = file.toAbsolutePath().normalize();
    String id = StackRecord.id(abs);
    try (StateStore.Held held = store.lock("stack." + id)) {
      List<String> notes = new ArrayList<>();
      StackRecord record = onRecord(id, abs, notes);
      List<StackReport.Service> out = new ArrayList<>();
      List<StopReport> parts = new ArrayList<>();
      LaunchRegistry registry = new LaunchRegistry(store);
      Map<String, LaunchRecord> before = new HashMap<>();
      Map<String, StackReport.Service> stoppedByName =
          new java.util.concurrent.ConcurrentHashMap<>();
      Consumer<String> said =
          line -> {
            synchronized (progress) {
              progress.accept(line);
            }
          };
      // Dependents first; the services of one round depend on none of each other and stop at once,
      // each with its own plan and grace (ADR 21 addendum).
      for (List<StackRecord.Service> round : stopRounds(record.services())) {
        List<java.util.concurrent.Callable<Void>> stops = new ArrayList<>();
        for (StackRecord.Service s : round) {
          Optional<LaunchRecord> onRecord = registry.read(FAMILY, s.launch());
          if (onRecord.isEmpty()) {
            stoppedByName.put(s.name(), service(s, "not running", null, 0));
            continue;
          }
          before.put(s.name(), onRecord.get());
          stops.add(
              () -> {
                said.accept("stopping " + s.name() + " …");
                List<StopReport> mine = new ArrayList<>();
                StackReport.Service stopped =
                    stopService(s, force, waits, force ? "kitty down --force" : "kitty down", mine);
                synchronized (parts) {
                  parts.addAll(mine);
                }
                stoppedByName.put(s.name(), stopped);
                said.accept(s.name() + " " + stopped.state() + " (" + stopped.millis() + " ms)");
                return null;
              });
        }
        runAll(stops);
      }
      for (StackRecord.Service s : record.services()) {
        out.add(stoppedByName.get(s.name()));
      }
      notes.addAll(registry.warnings());
      List<ProcessView> survivors = new ArrayList<>(carriers(id));
      // What proves a service gone: its recorded processes are, its port is free, and its cgroup
      // (where it has one, ADR 29) is empty. Without a cgroup, a descendant that dropped the
      // cookie (env -i) and left the session (setsid) is found only by the port, and makes the down
      // fail naming it.
      for (int i = 0; i < out.size(); i++) {
        StackReport.Service s = out.get(i);
        LaunchRecord r = before.get(s.name());
        Map<Long, ProcessView> named = new LinkedHashMap<>();
        java.util.Set<Long> holders = new java.util.HashSet<>();
        if (r != null) {
          for (long[] p :
              new long[][] {{r.pid(), r.startTicks()}, {r.wrapperPid(), r.wrapperStartTicks()}}) {
            // A zombie is gone as far as the service goes: it holds nothing, and on a machine
            // whose init does not reap, it stays for good.
            if (platform.processes().aliveAs(p[0], p[1])) {
              platform.processes().view(p[0]).ifPresent(v -> named.putIfAbsent(v.pid(), v));
            }
          }
          r.cell()
              .ifPresent(
                  cell ->
                      platform
                          .containment()
                          .members(cell)
                          .forEach(
                              pid ->
                                  platform
                                      .processes()
                                      .view(pid)
                                      .ifPresent(v -> named.putIfAbsent(pid, v))));
          if (s.port() > 0) {
            for (ProcessView v : launches.portHolders(s.port())) {
              named.putIfAbsent(v.pid(), v);
              holders.add(v.pid());
            }
          }
        }
        for (ProcessView v : named.values()) {
          if (survivors.stream().noneMatch(n -> n.pid() == v.pid())) {
            survivors.add(v);
          }
        }
        if (!named.isEmpty()) {
          String what =
              "still there after the stop: "
                  + named.values().stream()
                      .map(
                          v ->
                              "pid "
                                  + v.pid()
                                  + " ("
                                  + v.commandLine()
                                  + (holders.contains(v.pid()) ? ", holds port " + s.port() : "")
                                  + ")")
                      .toList();
          out.set(
              i,
              new StackReport.Service(
                  s.name(),
                  s.launch(),
                  "failed",
                  s.pid(),
                  s.pgid(),
                  s.port(),
                  s.log(),
                  s.members(),
                  s.rssBytes(),
                  s.cpuPercent(),
                  s.millis(),
                  s.error() != null ? s.error() + "; " + what : what));
        }
      }
      record.with(survivors.isEmpty() ? "down" : "failed").write(store);
      return new StackReport(
          id, abs.toString(), out, survivors, launches.merge(parts), List.copyOf(notes));
    }
  }

  /**
   * The order {@code down} stops {@code services} in: rounds, each of the services that nothing
   * still running depends on (a service after everything that depends on it). A record that does
   * not say what depends on what gives one service a round, in reverse start order, as before.
   */
  static List<List<StackRecord.Service>> stopRounds(List<StackRecord.Service> services) {
    List<List<StackRecord.Service>> rounds = new ArrayList<>();
    if (services.stream().anyMatch(s -> s.dependsOn() == null)) {
      services.reversed().forEach(s -> rounds.add(List.of(s)));
      return rounds;
    }
    List<StackRecord.Service> left = new ArrayList<>(services);
    while (!left.isEmpty()) {
      List<StackRecord.Service> round = new ArrayList<>();
      for (StackRecord.Service s : left) {
        if (left.stream().noneMatch(o -> o.dependsOn().contains(s.name()))) {
          round.add(s);
        }
      }
      if (round.isEmpty()) {
        round.add(left.getLast()); // a cycle cannot come from a checked file; never stall on one
      }
      left.removeAll(round);
      rounds.add(round);
    }
    return rounds;
  }

  /** Runs {@code tasks} at once, each on a thread of its own, and waits for all. */
  private static void runAll(List<java.util.concurrent.Callable<Void>> tasks) {
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (var f : pool.invokeAll(tasks)) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof RuntimeException r) {
            throw r;
          }
          throw new IllegalStateException(e.getCause());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KittyException.Failed("kitty down was interrupted");
    }
  }

  private static StackReport.Service service(
      StackRecord.Service s, String state, String error, long millis) {
    return new StackReport.Service(
        s.name(), s.launch(), state, -1, -1, s.port(), null, List.of(), 0, 0, millis, error);
  }

  /** Every live process carrying the stack's cookie. */
  private List<ProcessView> carriers(String id) {
    return LaunchMembers.matching(
        platform.processes(), v -> id.equals(v.cookies().get(STACK_COOKIE)));
  }

  // ---------------------------------------------------------------- ps, logs

  /** Each service of the stack on record with its live processes, memory and CPU. */
  public StackReport ps(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    String id = StackRecord.id(abs);
    List<String> notes = new ArrayList<>();
    StackRecord record = onRecord(id, abs, notes);
    Map<String, LaunchStatus> byLaunch = new HashMap<>();
    LaunchRegistry registry = new LaunchRegistry(store);
    for (LaunchStatus st : launches.status(List.of(FAMILY), notes)) {
      byLaunch.put(st.name(), st);
    }
    List<StackReport.Service> out = new ArrayList<>();
    for (StackRecord.Service s : record.services()) {
      LaunchStatus st = byLaunch.get(s.launch());
      if (st == null) {
        out.add(service(s, "not started", null, 0));
        continue;
      }
      long rss = st.members().stream().mapToLong(ProcessView::rssBytes).sum();
      double cpu = 0;
      for (ProcessView m : st.members()) {
        cpu += cpuPercent(m);
      }
      CgroupUsage usage =
          registry
              .read(FAMILY, s.launch())
              .flatMap(LaunchRecord::cell)
              .map(platform.containment()::usage)
              .orElse(CgroupUsage.UNKNOWN);
      out.add(
          new StackReport.Service(
              s.name(),
              s.launch(),
              st.state(),
              st.pid(),
              st.pgid(),
              st.port(),
              st.log(),
              st.members(),
              rss,
              cpu,
              0,
              st.error(),
              usage));
    }
    // Processes with the stack's cookie that belong to no service on record (older launches).
    List<ProcessView> strays = new ArrayList<>(carriers(id));
    out.forEach(s -> strays.removeIf(p -> s.members().stream().anyMatch(m -> m.pid() == p.pid())));
    return new StackReport(id, abs.toString(), out, strays, empty(), notes);
  }

  /** CPU time over lifetime, as {@code ps} computes %CPU; 0 where the platform does not say. */
  private double cpuPercent(ProcessView p) {
    var cpu = platform.processes().cpuMillis(p.pid());
    if (cpu.isEmpty() || p.startTime() == null) {
      return 0;
    }
    long lived = java.time.Instant.now().toEpochMilli() - p.startTime().toEpochMilli();
    return lived <= 0 ? 0 : 100.0 * cpu.getAsLong() / lived;
  }

  /**
   * The log file of {@code service} of the stack on record.
   *
   * @throws KittyException.Usage when the stack or the service is not on record
   */
  public Path log(Path file, String service) {
    Path abs = file.toAbsolutePath().normalize();
    String id = StackRecord.id(abs);
    StackRecord record = onRecord(id, abs, new ArrayList<>());
    StackRecord.Service s =
        record.services().stream()
            .filter(x -> x.name().equals(service))
            .findFirst()
            .orElseThrow(
                () ->
                    new KittyException.Usage(
                        "no service \""
                            + service
                            + "\" in the stack of "
                            + abs
                            + "; it has "
                            + String.join(
                                ", ", record.services().stream().map(x -> x.name()).toList())));
    String log = logOf(s.launch());
    if (log == null) {
      throw new KittyException.Usage("service " + service + " has not been started yet");
    }
    return Path.of(log);
  }

  private String logOf(String launch) {
    return new LaunchRegistry(store).read(FAMILY, launch).map(LaunchRecord::log).orElse(null);
  }

  private StackRecord onRecord(String id, Path abs, List<String> notes) {
    return readRecord(id, notes)
        .orElseThrow(
            () ->
                new KittyException.Usage(
                    "no stack on record for "
                        + abs
                        + (Files.exists(abs) ? "; kitty up " + abs + " starts it" : "")));
  }

  private Optional<StackRecord> readRecord(String id, List<String> notes) {
    try {
      return StackRecord.read(store, id);
    } catch (IllegalArgumentException e) {
      // Unreadable: the launch records still name every service (STACK.NAME), so rebuild from them.
      // Kept aside for a person (its bytes may matter), never overwritten in place.
      notes.add(
          e.getMessage()
              + "; it "
              + store.quarantine(StackRecord.file(store, id))
              + " and is rebuilt from the launch records");
      List<StackRecord.Service> services = new ArrayList<>();
      for (LaunchRecord r : new LaunchRegistry(store).all(FAMILY)) {
        if (r.name().startsWith(id + ".")) {
          services.add(
              new StackRecord.Service(
                  r.name().substring(id.length() + 1),
                  r.name(),
                  r.port(),
                  Duration.ofSeconds(5),
                  0,
                  0,
                  null));
        }
      }
      return Optional.of(new StackRecord(id, "?", "unknown", services, null, 0, 0));
    }
  }

  private StopReport empty() {
    return launches.merge(List.of());
  }
}
