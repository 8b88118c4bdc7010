package dev.kitty.api;

/**
 * What kitty may do with a candidate, from the contract's section 4.
 *
 * <p>Stability: stable (the names are part of kitty's JSON).
 *
 * @since 0.1
 */
public enum CleanupClass {
  /**
   * Provably this family's own stale daemon: startup and {@code cleanup} may stop it.
   *
   * @since 0.1
   */
  SAFE_AUTO,
  /**
   * Looks like this family's, but identity is incomplete: only the operator's reset stops it.
   *
   * @since 0.1
   */
  OPERATOR_REQUIRED,
  /**
   * Third-party, another family's, or unidentifiable: no kitty path ever stops it.
   *
   * @since 0.1
   */
  NEVER_TOUCH;

  /**
   * The name used in JSON and human output, e.g. {@code safe_auto}.
   *
   * @since 0.1
   */
  public String jsonName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
