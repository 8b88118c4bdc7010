/**
 * The kitty engine: loads daemon families (built-ins from the module path, each drop-in jar in its
 * own module layer), discovers listeners and processes through one platform backend, classifies
 * every listener in a family range, and is the only code allowed to signal a process.
 *
 * <p>Only {@code dev.kitty.engine} is exported; everything under {@code internal} stays private.
 */
module dev.kitty.engine {
  requires transitive dev.kitty.api;
  requires tools.jackson.databind;
  requires org.slf4j;

  exports dev.kitty.engine;

  uses dev.kitty.api.Family;
}
