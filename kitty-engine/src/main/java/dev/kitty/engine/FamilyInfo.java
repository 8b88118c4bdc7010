package dev.kitty.engine;

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
}
