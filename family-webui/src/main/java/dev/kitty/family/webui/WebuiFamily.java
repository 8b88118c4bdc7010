package dev.kitty.family.webui;

import dev.kitty.api.Family;
import dev.kitty.api.Identity;
import dev.kitty.api.IdentitySource;
import dev.kitty.api.LaunchSpec;
import dev.kitty.api.PortRange;
import dev.kitty.api.ProbeContext;
import dev.kitty.api.ProcessView;
import dev.kitty.api.RunawayPolicy;
import dev.kitty.api.StopPlan;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A WebUI server launched through a shell wrapper, and its workers. Its stop plan freezes the whole
 * tree first and kills the wrappers before anything else, so a wrapper in a respawn loop cannot
 * start new workers while the rest is stopped. Processes carrying the cookie of a launch on kitty's
 * record are the live WebUI when kitty means it to run, and proven leftovers ({@code safe_auto})
 * when kitty stopped it.
 */
public final class WebuiFamily implements Family {

  static final PortRange RANGE = new PortRange(7860, 7900);

  @Override
  public String id() {
    return "webui";
  }

  @Override
  public String description() {
    return "a WebUI server launched through a shell wrapper (sh, cmd.exe) and its workers";
  }

  @Override
  public PortRange defaultRange() {
    return RANGE;
  }

  @Override
  public StopPlan stopPlan() {
    return StopPlan.wrappersFirst(Duration.ofSeconds(2));
  }

  /** Seed 002's threshold: more than 10 interpreters or more than 3 shell wrappers is runaway. */
  @Override
  public RunawayPolicy runawayPolicy() {
    return new RunawayPolicy(10, 3, RunawayPolicy.NONE.maxRssBytes());
  }

  @Override
  public Optional<LaunchSpec> launchSpec() {
    return Optional.of(new LaunchSpec(List.of(), true, null, Duration.ofSeconds(30)));
  }

  @Override
  public Identity identify(ProbeContext ctx) {
    Optional<ProcessView> process = ctx.process();
    if (process.isEmpty()) {
      return Identity.neverTouch("no process holding the socket is visible");
    }
    ProcessView p = process.get();
    List<Long> wrappers = ctx.shellWrappers(p);
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put(Identity.WRAPPER_PIDS, wrappers);
    Optional<Identity> launched = ctx.launchIdentity(p, id(), attrs);
    if (launched.isPresent()) {
      return launched.get();
    }
    ctx.launchAttributes(p).forEach(attrs::putIfAbsent);
    if (!wrappers.isEmpty()) {
      return Identity.operatorRequired(
          IdentitySource.PROCESS_SHAPE,
          "shell-wrapped server (wrapper pid "
              + wrappers.getFirst()
              + ") that kitty did not launch",
          attrs);
    }
    return Identity.neverTouch(
        IdentitySource.NONE, "not launched by kitty and not shell-wrapped: third-party", attrs);
  }
}
