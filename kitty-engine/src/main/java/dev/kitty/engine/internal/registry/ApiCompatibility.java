package dev.kitty.engine.internal.registry;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a family compiled against one version of {@code dev.kitty.api} may run on this kitty's
 * (ADR 34). The version a jar was compiled against is the one javac recorded in its module
 * descriptor for {@code requires dev.kitty.api} (the API module's own version then). The rule, on
 * {@code MAJOR.MINOR} (patch and qualifiers never matter):
 *
 * <ul>
 *   <li>from 1.0: the same major, and a minor no newer than this kitty's (a minor only adds: types,
 *       default methods, constants; a family built for a newer minor may call what is not here);
 *   <li>before 1.0: the same minor (0.x minors may change the SPI);
 *   <li>a jar that says nothing (compiled against an API without a version) is taken.
 * </ul>
 */
final class ApiCompatibility {
  private ApiCompatibility() {}

  private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.\\d+)?(?:[-+].*)?");

  /**
   * This kitty's API version, as its module says; empty when it has none (tests on the class path).
   */
  static Optional<String> running() {
    Module api = dev.kitty.api.Family.class.getModule();
    return api.getDescriptor() == null ? Optional.empty() : api.getDescriptor().rawVersion();
  }

  /** Why {@code module}, compiled against {@code compiled}, may not run on {@code running}. */
  static Optional<String> problem(
      String module, Optional<String> compiled, Optional<String> running) {
    if (compiled.isEmpty() || running.isEmpty()) {
      return Optional.empty();
    }
    Matcher c = VERSION.matcher(compiled.get());
    Matcher r = VERSION.matcher(running.get());
    if (!c.matches() || !r.matches()) {
      return compiled.get().equals(running.get())
          ? Optional.empty()
          : Optional.of(
              why(
                  module,
                  compiled.get(),
                  running.get(),
                  "versions that are not MAJOR.MINOR must be equal"));
    }
    int cMajor = Integer.parseInt(c.group(1));
    int cMinor = Integer.parseInt(c.group(2));
    int rMajor = Integer.parseInt(r.group(1));
    int rMinor = Integer.parseInt(r.group(2));
    if (cMajor != rMajor) {
      return Optional.of(
          why(module, compiled.get(), running.get(), "a major version changes the SPI"));
    }
    if (rMajor == 0 && cMinor != rMinor) {
      return Optional.of(
          why(module, compiled.get(), running.get(), "before 1.0 every minor may change the SPI"));
    }
    if (cMinor > rMinor) {
      return Optional.of(
          why(
              module,
              compiled.get(),
              running.get(),
              "it may call what this older API does not have"));
    }
    return Optional.empty();
  }

  private static String why(String module, String compiled, String running, String rule) {
    return "module "
        + module
        + " was built for dev.kitty.api "
        + compiled
        + "; this kitty's API is "
        + running
        + " ("
        + rule
        + ")";
  }
}
