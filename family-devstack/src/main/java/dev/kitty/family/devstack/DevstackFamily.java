package dev.kitty.family.devstack;

import dev.kitty.api.Family;
import dev.kitty.api.Identity;
import dev.kitty.api.IdentitySource;
import dev.kitty.api.LaunchSpec;
import dev.kitty.api.PortRange;
import dev.kitty.api.ProbeContext;
import dev.kitty.api.ProcessView;
import dev.kitty.api.StopPlan;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The services of a developer stack and all their descendants. Membership is the stack's cookie,
 * never a process name: the seed's {@code pkill -f} list is the anti-pattern.
 */
public final class DevstackFamily implements Family {

  static final PortRange RANGE = new PortRange(3000, 3100);

  @Override
  public String id() {
    return "devstack";
  }

  @Override
  public String description() {
    return "the services of a developer stack (Procfile or kitty-stack.json) and all their descendants";
  }

  @Override
  public PortRange defaultRange() {
    return RANGE;
  }

  /**
   * Services are started by {@code kitty up} from a stack file, each through the platform shell as
   * foreman runs Procfile lines; the command here is empty because the stack file gives it.
   */
  @Override
  public Optional<LaunchSpec> launchSpec() {
    return Optional.of(new LaunchSpec(List.of(), true, null, Duration.ofSeconds(30)));
  }

  @Override
  public StopPlan stopPlan() {
    return StopPlan.group(Duration.ofSeconds(5), Duration.ofSeconds(2));
  }

  /** Dev tools a seed-003 stack leaves behind; named only to report them, never to stop them. */
  static final java.util.Set<String> DEV_TOOLS =
      java.util.Set.of("node", "tsx", "vitest", "esbuild", "turbo", "vite", "npm", "npx");

  @Override
  public Identity identify(ProbeContext ctx) {
    Optional<ProcessView> process = ctx.process();
    if (process.isEmpty()) {
      return Identity.neverTouch("no process holding the socket is visible");
    }
    ProcessView p = process.get();
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("stack", p.cookies().get("KITTY_STACK"));
    attrs.put(Identity.WRAPPER_PIDS, ctx.shellWrappers(p));
    Optional<Identity> launched = ctx.launchIdentity(p, id(), attrs);
    if (launched.isPresent()) {
      return launched.get();
    }
    ctx.launchAttributes(p).forEach(attrs::putIfAbsent);
    if (DEV_TOOLS.contains(p.command())) {
      // The seed's pkill -f list is the anti-pattern: a name is a reason to look, never to kill.
      return Identity.operatorRequired(
          IdentitySource.PROCESS_SHAPE,
          p.command()
              + " without a kitty stack cookie (cwd "
              + p.cwd()
              + "): not started by kitty up; stop it yourself if it is yours",
          attrs);
    }
    return Identity.neverTouch(
        IdentitySource.NONE,
        "no kitty stack cookie: not started by kitty (never killed by name)",
        attrs);
  }
}
