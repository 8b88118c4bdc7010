/**
 * The kitty engine: loads daemon families (built-ins from the module path, each drop-in jar in its
 * own module layer), discovers listeners and processes through one platform backend, classifies
 * every listener in a family range, and is the only code allowed to signal a process.
 *
 * <p>Exported: {@code dev.kitty.engine} (the {@code Kitty} facade), {@code dev.kitty.engine.model}
 * (the values it takes and answers, which depend on nothing else in the engine) and {@code
 * dev.kitty.engine.audit} (the drop-in jar check). Everything under {@code internal} stays private
 * (ADR 28).
 */
module dev.kitty.engine {
  requires transitive dev.kitty.api;
  requires tools.jackson.databind;
  requires org.slf4j;

  exports dev.kitty.engine;
  exports dev.kitty.engine.model;
  exports dev.kitty.engine.audit;

  uses dev.kitty.api.Family;
}
