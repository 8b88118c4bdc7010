package dev.kitty.api;

/**
 * How a candidate's identity was established.
 *
 * <p>Stability: stable (the names are part of kitty's JSON).
 *
 * @since 0.1
 */
public enum IdentitySource {
  /**
   * Kitty's own launch record names this process.
   *
   * @since 0.1
   */
  REGISTRY,
  /**
   * The process's health endpoint answered with a recognisable payload.
   *
   * @since 0.1
   */
  HEALTH,
  /**
   * A daemon-local identity marker that only the daemon writes agrees with the process.
   *
   * @since 0.1
   */
  MARKER,
  /**
   * A metadata file written next to the daemon's project names the process.
   *
   * @since 0.1
   */
  METADATA_FILE,
  /**
   * The command line, executable or process tree has the family's shape.
   *
   * @since 0.1
   */
  PROCESS_SHAPE,
  /**
   * Nothing identified the process.
   *
   * @since 0.1
   */
  NONE;

  /**
   * The name used in JSON and human output, e.g. {@code metadata_file}.
   *
   * @since 0.1
   */
  public String jsonName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
