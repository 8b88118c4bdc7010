package dev.kitty.familykit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the kit found: one line per rule, with how many worlds it tried, the slowest probe, and the
 * counterexample QuickTheories shrank the failure to (10 attempts) when the rule did not hold.
 *
 * @param family the family's id
 * @param range the range it was verified on
 * @param seed the seed of the worlds (the same seed tries the same worlds)
 * @param checks one per rule
 */
public record VerifyReport(String family, String range, long seed, List<Check> checks) {

  /** Copies the list. */
  public VerifyReport {
    checks = List.copyOf(checks);
  }

  /**
   * One rule's result.
   *
   * @param kind the kind of world
   * @param worlds how many worlds were tried (shrinking included)
   * @param slowestMillis the slowest scan of one world
   * @param failure the counterexample and what the family did in it; null when the rule held
   * @param verdicts how many listeners got each final class (safe_auto, operator_required,
   *     never_touch, recorded): a rule that held only because nothing was ever safe_auto shows here
   */
  public record Check(
      WorldKind kind,
      int worlds,
      long slowestMillis,
      String failure,
      Map<String, Integer> verdicts) {
    /** Copies the map. */
    public Check {
      verdicts = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(verdicts));
    }

    /** Whether the rule held in every world tried. */
    public boolean passed() {
      return failure == null;
    }
  }

  /** Whether every rule held. */
  public boolean passed() {
    return checks.stream().allMatch(Check::passed);
  }

  /** The report as the terminal shows it. */
  public String render() {
    StringBuilder out = new StringBuilder();
    out.append("family ")
        .append(family)
        .append(' ')
        .append(range)
        .append(": ")
        .append(checks.size())
        .append(" rules, worlds of seed ")
        .append(seed)
        .append('\n');
    for (Check c : checks) {
      out.append(c.passed() ? "  PASS  " : "  FAIL  ")
          .append(c.kind().rule())
          .append(" (")
          .append(c.worlds())
          .append(" worlds, slowest ")
          .append(c.slowestMillis())
          .append(" ms; ")
          .append(tally(c.verdicts()))
          .append(")\n");
      if (!c.passed()) {
        for (String line : c.failure().strip().split("\n")) {
          out.append("        ").append(line).append('\n');
        }
      }
    }
    long failed = checks.stream().filter(c -> !c.passed()).count();
    out.append(
        failed == 0
            ? "verdict: safe — every rule held\n"
            : "verdict: NOT safe — " + failed + " of " + checks.size() + " rules broken\n");
    return out.toString();
  }

  private static String tally(Map<String, Integer> verdicts) {
    if (verdicts.isEmpty()) {
      return "no listener classified";
    }
    StringBuilder out = new StringBuilder();
    verdicts.forEach(
        (k, n) -> out.append(out.isEmpty() ? "" : ", ").append(n).append(' ').append(k));
    return out.toString();
  }

  /** The report as {@code kitty family verify --json} prints it. */
  public Map<String, Object> json() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("family", family);
    out.put("range", range);
    out.put("seed", seed);
    out.put("passed", passed());
    out.put(
        "checks",
        checks.stream()
            .map(
                c -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("kind", c.kind().name().toLowerCase(java.util.Locale.ROOT));
                  m.put("rule", c.kind().rule());
                  m.put("passed", c.passed());
                  m.put("worlds", c.worlds());
                  m.put("slowest_ms", c.slowestMillis());
                  m.put("verdicts", c.verdicts());
                  m.put("failure", c.failure());
                  return m;
                })
            .toList());
    return out;
  }

  /** Throws an {@link AssertionError} with the whole report unless every rule held. */
  public void assertPassed() {
    if (!passed()) {
      throw new AssertionError(render());
    }
  }
}
