package dev.kitty.engine.internal.wiring;

import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.doctor.Doctor;
import dev.kitty.engine.internal.doctor.ProcessTrees;
import dev.kitty.engine.internal.identity.Classifier;
import dev.kitty.engine.internal.identity.DisabledFamilies;
import dev.kitty.engine.internal.identity.VerdictCache;
import dev.kitty.engine.internal.launch.Launches;
import dev.kitty.engine.internal.launch.Singletons;
import dev.kitty.engine.internal.registry.FamilyRegistry;
import dev.kitty.engine.internal.registry.FamilySelector;
import dev.kitty.engine.internal.signal.Gates;
import dev.kitty.engine.internal.signal.Signaller;
import dev.kitty.engine.internal.stack.Stacks;
import dev.kitty.engine.internal.state.StateStore;
import dev.kitty.engine.internal.sweep.Sweeper;
import dev.kitty.engine.internal.watch.RunawayWatch;
import dev.kitty.engine.model.KittyOptions;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds the services of one kitty from its options, platform and families: the facade asks this
 * for the service a command needs and holds no wiring of its own (ADR 28). Services are cheap and
 * made per command; what lives across commands (the verdict cache, the gates with their signaller
 * and audit counter) is held here.
 */
public final class Services {

  private final KittyOptions options;
  private final Platform platform;
  private final FamilyRegistry registry;
  private final FamilySelector selector;
  private final VerdictCache verdicts;
  private final Map<String, String> environment;
  private final Gates gates;

  /**
   * The services over one world.
   *
   * @param configEnvironment variables the config file adds to what probes see
   * @param signaller the signaller to use, or null for the platform's (chosen on first need)
   */
  public Services(
      KittyOptions options,
      Platform platform,
      FamilyRegistry registry,
      Map<String, String> configEnvironment,
      Signaller signaller) {
    this.options = options;
    this.platform = platform;
    this.registry = registry;
    this.selector = new FamilySelector(registry);
    this.verdicts = new VerdictCache(options.verdictTtl());
    Map<String, String> env = new HashMap<>(options.environment());
    env.putAll(configEnvironment);
    this.environment = Map.copyOf(env);
    this.gates = new Gates(platform, registry, options.stateDir(), options.allUsers(), signaller);
  }

  /** The families a command names. */
  public FamilySelector selector() {
    return selector;
  }

  /** The gates every stop goes through, and the signaller behind them. */
  public Gates gates() {
    return gates;
  }

  private StateStore store() {
    return new StateStore(options.stateDir());
  }

  /** A classifier for one scan. */
  public Classifier classifier() {
    return new Classifier(
            platform,
            registry,
            options.stateDir().toString(),
            options.probeTimeout(),
            options.httpTimeout(),
            options.allUsers(),
            verdicts)
        .withEnvironment(environment)
        .withDisabled(disabled);
  }

  /** The families this engine stopped asking because they broke at run time (ADR 34). */
  public DisabledFamilies disabled() {
    return disabled;
  }

  private final DisabledFamilies disabled = new DisabledFamilies();

  /** cleanup, reset, kill and the owner's stop of a scope. */
  public Sweeper sweeper() {
    return new Sweeper(selector, platform, store(), this::classifier, gates);
  }

  /** The singletons ({@code sync ensure}, the dashboard's start). */
  public Singletons singletons() {
    return new Singletons(selector, platform, store(), this::classifier, gates, sweeper());
  }

  /** Named launches. */
  public Launches launches() {
    return new Launches(selector, platform, store(), gates::gate, gates::signallerUsed);
  }

  /** Stacks of services. */
  public Stacks stacks() {
    return new Stacks(selector, platform, store(), launches());
  }

  /** The runaway watchdog. */
  public RunawayWatch watch() {
    return new RunawayWatch(selector, platform, store(), launches());
  }

  /** Process trees. */
  public ProcessTrees trees() {
    return new ProcessTrees(platform, registry);
  }

  /** doctor and ghosts. */
  public Doctor doctor() {
    return new Doctor(
        selector, platform, store(), this::classifier, gates, watch(), launches(), trees());
  }
}
