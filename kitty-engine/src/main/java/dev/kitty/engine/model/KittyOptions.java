package dev.kitty.engine.model;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where kitty keeps its records, where it finds drop-in families and its config, and how long a
 * probe may take. Defaults follow the contract's section 2.
 *
 * <p>Stability: experimental.
 *
 * @param stateDir the state directory; never null
 * @param familyPaths folders of family jars, searched in order; never null
 * @param configFile the config file; never null
 * @param configRequired whether a missing config file is an error (it was named explicitly)
 * @param probeTimeout the most time all identity probes of one scan may take together
 * @param httpTimeout the most time one loopback HTTP probe may take
 * @param allUsers whether other users' processes may be signalled ({@code --all-users}; honoured
 *     only when kitty runs as root)
 * @param verdictTtl how long a {@code never_touch} verdict is reused by the next scans of the same
 *     engine (ADR 23); zero for one-shot commands, a couple of seconds in the shell
 * @param environment kitty's environment as the front end sees it (the session's), which families
 *     may read ({@code ProbeContext.environment}); never null
 */
public record KittyOptions(
    Path stateDir,
    List<Path> familyPaths,
    Path configFile,
    boolean configRequired,
    Duration probeTimeout,
    Duration httpTimeout,
    boolean allUsers,
    Duration verdictTtl,
    Map<String, String> environment) {

  /** Copies the list and the map. */
  public KittyOptions {
    familyPaths = List.copyOf(familyPaths);
    environment = Map.copyOf(environment);
  }

  /** Options without an environment for families. */
  public KittyOptions(
      Path stateDir,
      List<Path> familyPaths,
      Path configFile,
      boolean configRequired,
      Duration probeTimeout,
      Duration httpTimeout,
      boolean allUsers,
      Duration verdictTtl) {
    this(
        stateDir,
        familyPaths,
        configFile,
        configRequired,
        probeTimeout,
        httpTimeout,
        allUsers,
        verdictTtl,
        Map.of());
  }

  /**
   * The defaults for this environment, with the explicit choices (null or empty when not given).
   *
   * @param env the process environment
   * @param stateDir {@code --state-dir}, or null
   * @param extraFamilyPaths {@code --family-path} folders
   * @param configFile {@code --config}, or null
   */
  public static KittyOptions resolve(
      Map<String, String> env, Path stateDir, List<Path> extraFamilyPaths, Path configFile) {
    Path home = Path.of(System.getProperty("user.home"));
    Path state = stateDir;
    if (state == null && present(env, "KITTY_STATE_DIR")) {
      state = Path.of(env.get("KITTY_STATE_DIR"));
    }
    if (state == null && present(env, "XDG_STATE_HOME")) {
      state = Path.of(env.get("XDG_STATE_HOME"), "kitty");
    }
    if (state == null) {
      state = home.resolve(".local/state/kitty");
    }
    Path configHome =
        present(env, "XDG_CONFIG_HOME")
            ? Path.of(env.get("XDG_CONFIG_HOME"))
            : home.resolve(".config");
    List<Path> paths = new ArrayList<>(extraFamilyPaths);
    if (present(env, "KITTY_FAMILY_PATH")) {
      for (String p : env.get("KITTY_FAMILY_PATH").split(File.pathSeparator)) {
        if (!p.isBlank()) {
          paths.add(Path.of(p));
        }
      }
    }
    paths.add(configHome.resolve("kitty/families"));
    Path config = configFile != null ? configFile : configHome.resolve("kitty/config.json");
    return new KittyOptions(
        state,
        paths,
        config,
        configFile != null,
        Duration.ofSeconds(3),
        Duration.ofMillis(1500),
        false,
        Duration.ZERO,
        env);
  }

  /** These options with {@code --all-users} as given. */
  public KittyOptions withAllUsers(boolean all) {
    return new KittyOptions(
        stateDir,
        familyPaths,
        configFile,
        configRequired,
        probeTimeout,
        httpTimeout,
        all,
        verdictTtl,
        environment);
  }

  /** These options with never_touch verdicts reused for {@code ttl} (ADR 23). */
  public KittyOptions withVerdictTtl(Duration ttl) {
    return new KittyOptions(
        stateDir,
        familyPaths,
        configFile,
        configRequired,
        probeTimeout,
        httpTimeout,
        allUsers,
        ttl,
        environment);
  }

  private static boolean present(Map<String, String> env, String key) {
    String v = env.get(key);
    return v != null && !v.isBlank();
  }
}
