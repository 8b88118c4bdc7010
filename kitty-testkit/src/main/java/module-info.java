/**
 * The family test kit (ADR 35): runs a family against generated worlds — third-party listeners,
 * look-alike answers of its own shape, silent, garbage, huge and slow answers, another user's
 * processes, listeners on its range's edges — through the engine's own classification on a
 * simulated machine, and reports whether the engine's invariants hold with it loaded. Used by
 * {@code kitty family verify JAR} and, through {@code dev.kitty.familykit.junit}, by a family's own
 * build.
 */
module dev.kitty.familykit {
  requires transitive dev.kitty.engine;
  requires quicktheories;
  requires static transitive org.junit.jupiter.api;

  exports dev.kitty.familykit;
  exports dev.kitty.familykit.junit;
}
