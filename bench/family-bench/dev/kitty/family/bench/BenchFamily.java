package dev.kitty.family.bench;

import dev.kitty.api.Family;
import dev.kitty.api.Identity;
import dev.kitty.api.IdentitySource;
import dev.kitty.api.PortRange;
import dev.kitty.api.ProbeContext;
import dev.kitty.api.ProcessView;
import dev.kitty.api.StopPlan;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The benchmark's stand-in for a family that proves its orphans stale (seed 000's shape): a process
 * whose command line carries the benchmark's marker is safe_auto; shell wrappers above it are
 * named so that the plan stops them too.
 */
public final class BenchFamily implements Family {

  @Override
  public String id() {
    return "bench";
  }

  @Override
  public String description() {
    return "benchmark orphans (bench/fixtures/orphans.sh)";
  }

  @Override
  public PortRange defaultRange() {
    return new PortRange(9500, 9600);
  }

  @Override
  public StopPlan stopPlan() {
    return StopPlan.frozenTree(Duration.ofSeconds(2));
  }

  @Override
  public Identity identify(ProbeContext ctx) {
    Optional<ProcessView> p = ctx.process();
    if (p.isEmpty() || !p.get().args().contains("kitty-bench-orphan")) {
      return Identity.neverTouch("not a benchmark orphan");
    }
    return Identity.safeAuto(IdentitySource.PROCESS_SHAPE, Map.of("wrapper_pids", ctx.shellWrappers(p.get())));
  }
}
