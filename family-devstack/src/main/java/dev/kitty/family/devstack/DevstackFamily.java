package dev.kitty.family.devstack;

import dev.kitty.api.Family;
import dev.kitty.api.Identity;
import dev.kitty.api.IdentitySource;
import dev.kitty.api.PortRange;
import dev.kitty.api.ProbeContext;
import dev.kitty.api.ProcessView;
import dev.kitty.api.StopPlan;
import dev.kitty.api.StopStep;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The services of a developer stack and all their descendants (seeds 003 and 004). Membership is
 * the stack's cookie, never a process name: the seed's {@code pkill -f} list is the anti-pattern.
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

  @Override
  public StopPlan stopPlan() {
    return new StopPlan(
        List.of(
            new StopStep.Signal(
                StopStep.SignalKind.TERM, StopStep.Reach.GROUP, Duration.ofSeconds(3)),
            new StopStep.FreezeTree(),
            new StopStep.Signal(
                StopStep.SignalKind.KILL, StopStep.Reach.TREE, Duration.ofSeconds(2)),
            new StopStep.VerifyNoMembers(Duration.ofSeconds(2)),
            new StopStep.VerifyPortFree(Duration.ofSeconds(2))));
  }

  @Override
  public Identity identify(ProbeContext ctx) {
    Optional<ProcessView> process = ctx.process();
    if (process.isEmpty()) {
      return Identity.neverTouch("no process holding the socket is visible");
    }
    ProcessView p = process.get();
    String launch = p.cookies().get(ProcessView.LAUNCH_COOKIE);
    String service = p.cookies().get("KITTY_SERVICE");
    String family = p.cookies().get("KITTY_FAMILY");
    List<Long> wrappers = ctx.shellWrappers(p);
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("launch_id", launch);
    attrs.put("service", service);
    attrs.put("wrapper_pids", wrappers);
    if (launch != null && family != null && !family.equals(id())) {
      return Identity.neverTouch(
          IdentitySource.PROCESS_SHAPE, "launched by kitty for family " + family, attrs);
    }
    if (launch != null && service != null) {
      return Identity.operatorRequired(
          IdentitySource.PROCESS_SHAPE,
          "service " + service + " of stack launch " + launch + ", which no stack record names",
          attrs);
    }
    return Identity.neverTouch(
        IdentitySource.NONE,
        "no kitty stack cookie: not started by kitty (never killed by name)",
        attrs);
  }
}
