package dev.kitty.familykit;

import static org.quicktheories.QuickTheory.qt;

import dev.kitty.api.CleanupClass;
import dev.kitty.api.Family;
import dev.kitty.api.IdentitySource;
import dev.kitty.api.PortRange;
import dev.kitty.engine.model.Candidate;
import dev.kitty.engine.model.ScanReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Proves a family safe, as far as generated worlds can (ADR 35): for each {@link WorldKind}, many
 * worlds drawn by QuickTheories, each scanned by the engine's own classification on a {@code
 * SimulatedMachine} with the family loaded, and the kind's rule checked on what the engine would
 * act on. A broken rule is shrunk to a small counterexample and reported, never thrown past the
 * report: every rule is tried.
 *
 * <p>Deadlines are the engine's shape, scaled down so that a verification takes seconds: each
 * answer is bounded by {@link #HTTP_TIMEOUT}, each probe by {@link #PROBE_DEADLINE}; a slow world
 * answers {@link #SLOW} late, past the timeout.
 */
public final class FamilyVerifier {

  /** How long the engine waits for one answer in the kit's worlds. */
  public static final Duration HTTP_TIMEOUT = Duration.ofMillis(150);

  /** How long one probe may take in the kit's worlds before the engine gives up on it. */
  public static final Duration PROBE_DEADLINE = Duration.ofSeconds(2);

  /** How late a slow world answers: past {@link #HTTP_TIMEOUT}. */
  public static final Duration SLOW = Duration.ofMillis(400);

  /** The seed used unless another is given: the same worlds on every run. */
  public static final long DEFAULT_SEED = 20_261_203L;

  private final int examples;
  private final long seed;
  private final Duration probeDeadline;
  private final List<Consumer<VerifyReport>> listeners = new ArrayList<>();
  private final java.util.Map<String, String> environment = new java.util.LinkedHashMap<>();

  /**
   * A verifier trying {@code examples} worlds of each kind drawn from {@code seed}.
   *
   * @throws IllegalArgumentException when {@code examples} is not positive
   */
  public FamilyVerifier(int examples, long seed) {
    this(examples, seed, PROBE_DEADLINE);
  }

  /** As above with another probe deadline (the kit's own tests, where every breach costs it). */
  FamilyVerifier(int examples, long seed, Duration probeDeadline) {
    if (examples < 1) {
      throw new IllegalArgumentException("examples must be at least 1, got " + examples);
    }
    this.examples = examples;
    this.seed = seed;
    this.probeDeadline = probeDeadline;
  }

  /**
   * The verifier a build gets: {@code -Dkitty.kit.examples} worlds of each kind (100) from {@code
   * -Dkitty.kit.seed} ({@link #DEFAULT_SEED}).
   */
  public static FamilyVerifier fromSystemProperties() {
    return new FamilyVerifier(
        Integer.getInteger("kitty.kit.examples", 100),
        Long.getLong("kitty.kit.seed", DEFAULT_SEED));
  }

  /**
   * Sets a variable of kitty's environment in every world ({@code ProbeContext.environment}): where
   * the family's daemons keep their records, for one, so that its own samples can be proven.
   */
  public FamilyVerifier withEnvironment(String name, String value) {
    environment.put(name, value);
    return this;
  }

  /** Calls {@code listener} with every report this verifier makes (the JUnit extension's hook). */
  public FamilyVerifier onReport(Consumer<VerifyReport> listener) {
    listeners.add(listener);
    return this;
  }

  /** Verifies {@code family} on its default range, with no samples of its own daemons. */
  public VerifyReport verify(Family family) {
    return verify(family, List.of());
  }

  /**
   * Verifies {@code family} on its default range; {@code samples} describe its own daemons, so that
   * the kit can make look-alikes of them.
   */
  public VerifyReport verify(Family family, List<FamilySample> samples) {
    PortRange range = family.defaultRange();
    Worlds worlds = new Worlds(range, samples, SLOW.toMillis());
    List<VerifyReport.Check> checks = new ArrayList<>();
    for (WorldKind kind : WorldKind.values()) {
      checks.add(check(family, range, kind, worlds));
    }
    VerifyReport report = new VerifyReport(family.id(), range.toString(), seed, checks);
    listeners.forEach(l -> l.accept(report));
    return report;
  }

  private VerifyReport.Check check(Family family, PortRange range, WorldKind kind, Worlds worlds) {
    AtomicInteger tried = new AtomicInteger();
    AtomicLong slowest = new AtomicLong();
    java.util.Map<String, Integer> verdicts = new java.util.concurrent.ConcurrentHashMap<>();
    try {
      qt().withExamples(examples)
          .withFixedSeed(seed + kind.ordinal())
          .withShrinkCycles(10)
          .forAll(worlds.of(kind))
          .checkAssert(
              w -> {
                if (Thread.currentThread().isInterrupted()) {
                  // Cancelled (Ctrl-C in the shell): every scan from now on would answer "scan
                  // interrupted", which proves nothing. The check fails, saying so.
                  throw new AssertionError("interrupted: the verification was cancelled");
                }
                tried.incrementAndGet();
                long start = System.nanoTime();
                ScanReport scan =
                    w.machine(environment).scan(family, range, probeDeadline, HTTP_TIMEOUT);
                slowest.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                scan.candidates()
                    .forEach(
                        c ->
                            verdicts.merge(
                                c.identity().recorded() ? "recorded" : c.cleanupClass().jsonName(),
                                1,
                                Integer::sum));
                String broken = broken(kind, range, w, scan);
                if (broken != null) {
                  throw new AssertionError(broken);
                }
              });
      return new VerifyReport.Check(kind, tried.get(), slowest.get(), null, verdicts);
    } catch (AssertionError e) {
      return new VerifyReport.Check(kind, tried.get(), slowest.get(), failure(e), verdicts);
    }
  }

  /**
   * QuickTheories' message, which holds the shrunk world, cut to what the report needs: the shrunk
   * counterexample and our own reason.
   */
  private static String failure(AssertionError e) {
    String m = String.valueOf(e.getMessage());
    String marker = "Smallest found falsifying value(s) :";
    int smallest = m.indexOf(marker);
    if (smallest < 0) {
      return m;
    }
    String world = m.substring(smallest + marker.length());
    int end = world.indexOf("Cause was :-");
    int other = world.indexOf("Other found falsifying value(s)");
    if (other >= 0 && (end < 0 || other < end)) {
      end = other;
    }
    world = (end >= 0 ? world.substring(0, end) : world).strip();
    world = world.startsWith("-") ? world.substring(1).strip() : world;
    String cause = e.getCause() != null ? String.valueOf(e.getCause().getMessage()) : "";
    if (cause.isBlank()) {
      int at = m.indexOf("java.lang.AssertionError: ");
      cause = at >= 0 ? m.substring(at + "java.lang.AssertionError: ".length()).strip() : "";
    }
    int trace = cause.indexOf("\n\tat ");
    cause = trace >= 0 ? cause.substring(0, trace).strip() : cause;
    return "counterexample: " + world + (cause.isBlank() ? "" : "\nbroken: " + cause);
  }

  /** What broke the kind's rule in {@code w}, or null. */
  static String broken(WorldKind kind, PortRange range, World w, ScanReport scan) {
    if (scan.candidates().anyMatch(c -> "scan interrupted".equals(c.identity().skipReason()))) {
      return "interrupted: the verification was cancelled";
    }
    for (String warning : scan.warnings()) {
      if (warning.contains("did not finish within")) {
        return "the probe did not return within its deadline: " + warning;
      }
      if (warning.contains(" failed: ")) {
        return "the probe threw: " + warning;
      }
    }
    for (Candidate c : scan.candidates().toList()) {
      boolean safeAuto = c.cleanupClass() == CleanupClass.SAFE_AUTO;
      String said = "the family's verdict, after the engine's rules: " + c.identity();
      if (!range.contains(c.port())) {
        return "port " + c.port() + " outside " + range + " was classified: " + said;
      }
      if (c.pid() != null && !c.listener().holderPids().contains(c.pid())) {
        return "pid " + c.pid() + " does not hold port " + c.port() + ": " + said;
      }
      switch (kind) {
        case THIRD_PARTY, LOOK_ALIKE, OTHER_USER -> {
          if (safeAuto) {
            return "safe_auto for " + holder(w, c.port()) + ": " + said;
          }
        }
        case EVIDENCE -> {
          if (safeAuto
              && (c.identity().source() == IdentitySource.NONE
                  || c.identity().attributes().isEmpty())) {
            return "safe_auto without evidence (source "
                + c.identity().source()
                + ", no attributes): "
                + said;
          }
        }
        case HOSTILE_ANSWERS, RANGE_EDGES -> {
          // their rules are the deadline, the throw and the range, checked above
        }
      }
    }
    return null;
  }

  private static String holder(World w, int port) {
    return w.holders().stream()
        .filter(h -> h.port() == port)
        .findFirst()
        .map(Object::toString)
        .orElse("port " + port);
  }
}
