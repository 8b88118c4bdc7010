package dev.kitty.engine;

import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.launch.Subreaper;
import dev.kitty.engine.internal.registry.FamilyFolders;
import dev.kitty.engine.internal.registry.FamilyLoader;
import dev.kitty.engine.internal.registry.FamilyRegistry;
import dev.kitty.engine.internal.registry.KittyConfig;
import dev.kitty.engine.internal.signal.Signaller;
import dev.kitty.engine.internal.state.StateStore;
import dev.kitty.engine.internal.wiring.Services;
import dev.kitty.engine.model.DoctorReport;
import dev.kitty.engine.model.EnsureReport;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.GhostSocket;
import dev.kitty.engine.model.KittyException;
import dev.kitty.engine.model.KittyOptions;
import dev.kitty.engine.model.LaunchReport;
import dev.kitty.engine.model.LaunchRequest;
import dev.kitty.engine.model.LaunchStatus;
import dev.kitty.engine.model.ProcessTreeReport;
import dev.kitty.engine.model.Rejection;
import dev.kitty.engine.model.RunawayFinding;
import dev.kitty.engine.model.ScanReport;
import dev.kitty.engine.model.StackReport;
import dev.kitty.engine.model.StopProgress;
import dev.kitty.engine.model.StopReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The engine's facade: everything a front end (the CLI, the shell, a daemon) asks of kitty. One
 * instance per set of options; families are loaded when it is opened, the platform backend is
 * chosen once. It composes the services under {@code internal} and holds no policy of its own (ADR
 * 28): each method names the service that does the work.
 *
 * <p>Stability: experimental.
 */
public final class Kitty {

  private final KittyOptions options;
  private final Platform platform;
  private final Services services;

  /** The config and the load the families came from; null for a kitty over a given registry. */
  private final KittyConfig config;

  private final FamilyLoader.Loaded loaded;

  private Kitty(
      KittyOptions options,
      Platform platform,
      FamilyRegistry registry,
      Map<String, String> configEnvironment,
      Signaller signaller) {
    this(options, platform, registry, configEnvironment, signaller, null, null);
  }

  private Kitty(
      KittyOptions options,
      Platform platform,
      FamilyRegistry registry,
      Map<String, String> configEnvironment,
      Signaller signaller,
      KittyConfig config,
      FamilyLoader.Loaded loaded) {
    this.options = options;
    this.platform = platform;
    this.services = new Services(options, platform, registry, configEnvironment, signaller);
    this.config = config;
    this.loaded = loaded;
  }

  /**
   * Loads the config and the families, and picks the platform backend.
   *
   * @throws KittyException.BadInput when the config file is malformed
   */
  public static Kitty open(KittyOptions options) {
    return open(options, Platform.detect(options.environment()));
  }

  /**
   * Loads the one jar at {@code jar} as a drop-in family is loaded (its own module layer, the API
   * version and the signal audit checked, ids and ranges validated), without the built-ins or the
   * family folders; never throws for a bad jar.
   */
  public static dev.kitty.engine.model.FamilyJar readFamilyJar(java.nio.file.Path jar) {
    FamilyRegistry r = FamilyLoader.loadOne(jar);
    return new dev.kitty.engine.model.FamilyJar(
        jar.toAbsolutePath().normalize(), r.families(), r.rejected());
  }

  /** A kitty over a given world: tests run the real paths on fake platforms and signallers. */
  static Kitty of(
      KittyOptions options, Platform platform, FamilyRegistry registry, Signaller signaller) {
    return new Kitty(options, platform, registry, Map.of(), signaller);
  }

  static Kitty open(KittyOptions options, Platform platform) {
    // Before anything is read from it: a state dir someone else can write holds records nobody
    // can trust (ADR 25).
    new StateStore(options.stateDir()).verifyTrusted(platform.processes().currentUid());
    KittyConfig config = KittyConfig.read(options.configFile(), options.configRequired());
    FamilyLoader.Loaded loaded =
        FamilyLoader.load(options.familyPaths(), config, FamilyLoader.LoadedJars.NONE);
    return new Kitty(
        options, platform, loaded.registry(), config.environment(), null, config, loaded);
  }

  /**
   * Whether the family folders changed since this kitty loaded them: a jar added, removed or
   * changed, or one that was still being written then (ADR 33). A listing and a stat per jar.
   */
  public boolean familyFoldersChanged() {
    return loaded != null
        && (loaded.pending() || !FamilyFolders.of(options.familyPaths()).equals(loaded.folders()));
  }

  /**
   * A kitty like this one with the family folders read again (ADR 33): a jar that did not change
   * keeps its module layer, a new one gets a layer of its own, a removed one's family is gone, a
   * changed one is loaded again as a whole. This kitty, and any command running on it, keeps the
   * families it has. A kitty over a given registry (tests) is returned as it is.
   */
  public Kitty withFamiliesReloaded() {
    return withFamiliesReloaded(false);
  }

  /** As above; {@code everyJar}: no jar's earlier load is reused (families reload). */
  public Kitty withFamiliesReloaded(boolean everyJar) {
    if (loaded == null) {
      return this;
    }
    FamilyLoader.Loaded again =
        FamilyLoader.load(
            options.familyPaths(), config, everyJar ? loaded.jars().builtinsOnly() : loaded.jars());
    return new Kitty(
        options, platform, again.registry(), config.environment(), null, config, again);
  }

  /**
   * What changed in the families from {@code before} to this kitty, a line each: {@code family ID
   * VERSION loaded from SOURCE}, {@code … unloaded}, {@code … replaced by VERSION from SOURCE},
   * {@code family jar SOURCE rejected: REASON}.
   */
  public List<String> familyChangesSince(Kitty before) {
    return services.selector().registry().changesSince(before.services.selector().registry());
  }

  /** The options this instance runs with. */
  public KittyOptions options() {
    return options;
  }

  /** The platform backend's name. */
  public String platformName() {
    return platform.name();
  }

  /**
   * The operating system, as the platform decided it once: {@code linux}, {@code windows}, {@code
   * macos} or {@code other} (the shell opens a browser by it).
   */
  public String osFamily() {
    return platform.os().name().toLowerCase(Locale.ROOT);
  }

  /** How this machine delivers signals (chosen once, on first need). */
  public String signallerName() {
    return services.gates().signallerName();
  }

  /**
   * Why gate decisions since the last call left no line in the audit log, if any did: the command
   * that made them has failed (exit 1) even when everything else went well.
   */
  public Optional<String> takeAuditProblem() {
    return services.gates().takeAuditProblem();
  }

  /** The accepted families, built-ins first. */
  public List<FamilyInfo> families() {
    return services.selector().registry().families();
  }

  /** The refused families, jars and overrides. */
  public List<Rejection> rejected() {
    List<Rejection> out = new java.util.ArrayList<>(services.selector().registry().rejected());
    // Families that broke at run time (a LinkageError in their code, ADR 34), with the reason.
    services
        .disabled()
        .all()
        .forEach(
            (id, why) ->
                out.add(
                    new Rejection(
                        families().stream()
                            .filter(f -> f.id().equals(id))
                            .map(FamilyInfo::source)
                            .findFirst()
                            .orElse("?"),
                        id,
                        why)));
    return List.copyOf(out);
  }

  /**
   * The families named, in the order given (all, in registry order, when none is named).
   *
   * @throws KittyException.Usage for an unknown id, listing the known ones
   */
  public List<FamilyInfo> select(List<String> ids) {
    return services.selector().select(ids);
  }

  /** Scans the named families (all when none is named). */
  public ScanReport scan(List<String> ids) {
    return services.classifier().scan(select(ids));
  }

  /** The scan plus records, ghost sockets and remediation. Read-only. */
  public DoctorReport doctor(List<String> ids) {
    return services.doctor().doctor(ids);
  }

  /** Ghost sockets in the named families' ranges: listening sockets held by several processes. */
  public List<GhostSocket> ghosts(List<String> ids) {
    return services.doctor().ghosts(ids);
  }

  /** The tree around {@code pid}; {@link KittyException.Usage} when no such process is seen. */
  public ProcessTreeReport tree(long pid) {
    return services.trees().tree(pid);
  }

  /**
   * {@code kitty watch}: the runaway findings of the named families; with {@code writeBundle} a
   * diagnostic bundle per finding, with {@code autoClean} the launches to blame stopped.
   */
  public List<RunawayFinding> runaway(
      List<String> ids, boolean autoClean, boolean writeBundle, StopProgress progress) {
    return services.watch().check(ids, autoClean, writeBundle, progress);
  }

  /**
   * {@code kitty cleanup}: stops the {@code safe_auto} candidates of the named families (all when
   * none is named), through the signal gate. Everything else is reported as skipped.
   */
  public StopReport cleanup(List<String> ids, boolean dryRun, StopProgress progress) {
    return services.sweeper().cleanup(ids, dryRun, progress);
  }

  /**
   * {@code kitty doctor --reset}: stops the {@code safe_auto} and {@code operator_required}
   * candidates of the named families; skips {@code never_touch} and recorded live daemons.
   */
  public StopReport reset(List<String> ids, boolean dryRun, StopProgress progress) {
    return services.sweeper().reset(ids, dryRun, progress);
  }

  /**
   * {@code kitty kill PID --family F}: one operator kill, through the same gate; {@link
   * KittyException.Usage} when PID holds no listener in F's range.
   */
  public StopReport kill(long pid, String family, boolean dryRun, StopProgress progress) {
    return services.sweeper().kill(pid, family, dryRun, progress);
  }

  /**
   * The owner's stop of one scope's daemons ({@code kitty dashboard --stop}): every candidate of
   * the family whose {@code singleton_scope_id} is {@code scope} and that is not {@code
   * never_touch}, the recorded live one included.
   */
  public StopReport stopScope(String id, String scope, boolean dryRun, StopProgress progress) {
    return services.sweeper().stopScope(id, scope, dryRun, progress);
  }

  /**
   * {@code kitty sync ensure}: the family's singleton, started (with {@code env} added) or reused;
   * stale ones stopped first. {@link KittyException.Usage} when the family launches no daemons,
   * {@link KittyException.Failed} when a new one does not become healthy.
   */
  public EnsureReport ensure(String id, Map<String, String> env, StopProgress progress) {
    return ensure(id, null, env, progress);
  }

  /**
   * As {@link #ensure(String, Map, StopProgress)} for one scope of a family with one daemon per
   * scope (a dashboard per project).
   *
   * @param scope the scope, or null for a family with one singleton
   */
  public EnsureReport ensure(
      String id, String scope, Map<String, String> env, StopProgress progress) {
    return services.singletons().ensure(id, scope, env, progress);
  }

  /**
   * {@code kitty start FAMILY}: starts the named launch (or reuses it when it is running and
   * healthy), recording its intent before the spawn and its processes once it is healthy.
   *
   * @throws KittyException.Usage for a bad name, port or missing command
   * @throws KittyException.Failed when the port is taken or the command does not become healthy
   */
  public LaunchReport start(LaunchRequest request, StopProgress progress) {
    return services.launches().start(request, progress);
  }

  /**
   * {@code kitty stop FAMILY [NAME]}: stops the named launch (every launch of the family when
   * {@code name} is null) with the family's plan, then verifies that nothing of it is left.
   */
  public StopReport stop(String family, String name, StopProgress progress) {
    return services.launches().stop(family, name, progress);
  }

  /** {@code kitty restart FAMILY NAME}: stop verified, then start with the recorded command. */
  public LaunchReport restart(String family, String name, StopProgress progress) {
    return services.launches().restart(family, name, progress);
  }

  /**
   * {@code kitty ensure FAMILY NAME}: nothing when the launch is healthy, else a restart with
   * bounded exponential backoff.
   */
  public LaunchReport ensureLaunch(String family, String name, StopProgress progress) {
    return services.launches().ensure(family, name, progress);
  }

  /** {@code kitty status}: every launch on record, alive or not; unreadable ones in warnings. */
  public List<LaunchStatus> status(List<String> ids, List<String> warnings) {
    return services.launches().status(ids, warnings);
  }

  /**
   * {@code kitty up FILE}: starts the services of a stack file that are not running, dependencies
   * first, each healthy before what depends on it starts; on a failure stops what it started.
   *
   * @throws KittyException.BadInput for a stack file that is wrong (file and line named)
   * @throws KittyException.Failed when a service does not become healthy
   */
  public StackReport up(Path file, Map<String, String> env, Consumer<String> progress) {
    return services.stacks().up(file, env, progress);
  }

  /**
   * {@code kitty down FILE}: stops every service of the stack on record, dependents first, and
   * reports what still carries the stack's cookie (nothing, when it worked).
   */
  public StackReport down(Path file, boolean force, Consumer<String> progress, StopProgress waits) {
    return services.stacks().down(file, force, progress, waits);
  }

  /** {@code kitty ps FILE}: the stack's services with their processes, memory and CPU. */
  public StackReport ps(Path file) {
    return services.stacks().ps(file);
  }

  /** The log file of one service of the stack on record ({@code kitty logs}). */
  public Path stackLog(Path file, String service) {
    return services.stacks().log(file, service);
  }

  /**
   * For {@code kitty up --foreground}: makes this process the subreaper of what it starts (Linux)
   * and reaps the adopted orphans that exit, every {@code interval}. False where not possible.
   */
  public boolean adoptOrphans(Duration interval) {
    return Subreaper.adoptOrphans(platform, interval);
  }
}
