package dev.kitty.api;

/**
 * How a candidate's identity was established.
 *
 * <p>Stability: stable (the names are part of kitty's JSON).
 */
public enum IdentitySource {
  /** Kitty's own launch record names this process. */
  REGISTRY,
  /** The process's health endpoint answered with a recognisable payload. */
  HEALTH,
  /** A daemon-local identity marker that only the daemon writes agrees with the process. */
  MARKER,
  /** A metadata file written next to the daemon's project names the process. */
  METADATA_FILE,
  /** The command line, executable or process tree has the family's shape. */
  PROCESS_SHAPE,
  /** Nothing identified the process. */
  NONE;

  /** The name used in JSON and human output, e.g. {@code metadata_file}. */
  public String jsonName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
