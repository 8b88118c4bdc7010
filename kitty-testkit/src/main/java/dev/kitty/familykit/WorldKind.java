package dev.kitty.familykit;

/** The kinds of world the kit generates, each with the rule the family must keep in it. */
public enum WorldKind {
  /**
   * A program that is not the family's (a web server, a database, a random command line) holds a
   * port in the range and answers anything, or nothing: never {@code safe_auto}.
   */
  THIRD_PARTY("a third party's listener is never safe_auto"),
  /**
   * Another program answers exactly as one of the family's samples, or with a copy of it altered (a
   * field removed, emptied, retyped, another pid): never {@code safe_auto}.
   */
  LOOK_ALIKE("a look-alike answer of the family's own shape is never safe_auto"),
  /**
   * One of the family's samples, run by another user: never {@code safe_auto} (the engine's rule;
   * the kit checks it holds with the family loaded).
   */
  OTHER_USER("another user's process is never safe_auto"),
  /**
   * One of the family's samples (or a third party) answering silence, garbage, a huge body or too
   * late: the probe returns within its deadline and does not throw.
   */
  HOSTILE_ANSWERS("the probe stays within its deadline and never throws on hostile answers"),
  /**
   * Listeners on the range's first and last port and just outside it: only the ones inside are
   * classified by the family (the engine's rule, checked with the family loaded).
   */
  RANGE_EDGES("only listeners inside the range are the family's"),
  /**
   * Any of the above and the family's own samples: a {@code safe_auto} verdict carries evidence.
   */
  EVIDENCE("safe_auto always carries evidence");

  private final String rule;

  WorldKind(String rule) {
    this.rule = rule;
  }

  /** The rule the family must keep in this kind of world, as the report says it. */
  public String rule() {
    return rule;
  }
}
