package dev.kitty.engine.model;

import dev.kitty.api.Family;
import dev.kitty.api.PortRange;

/**
 * A family the engine loaded and accepted, with where it came from.
 *
 * <p>Stability: experimental.
 *
 * @param family the provider instance; never null
 * @param range the effective range (the config may override the family's default); never null
 * @param module the JPMS module that provides it; never null
 * @param source {@code builtin} or {@code plugin:ABSOLUTE_JAR_PATH}; never null
 * @param version the module's version, or {@code unknown}; never null
 */
public record FamilyInfo(
    Family family, PortRange range, String module, String source, String version) {

  /** The family's id. */
  public String id() {
    return family.id();
  }

  /** Whether the family is built in (as opposed to a drop-in jar). */
  public boolean builtin() {
    return source.equals("builtin");
  }

  // equals and hashCode written out (same meaning as the record's): the generated ones are
  // bootstrapped at their first call, and a cold scan keys maps by family.
  @Override
  public boolean equals(Object o) {
    return o instanceof FamilyInfo f
        && java.util.Objects.equals(family, f.family)
        && java.util.Objects.equals(range, f.range)
        && java.util.Objects.equals(module, f.module)
        && java.util.Objects.equals(source, f.source)
        && java.util.Objects.equals(version, f.version);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(family, range, module, source, version);
  }
}
