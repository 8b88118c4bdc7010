package dev.kitty.shell;

import dev.kitty.engine.Kitty;
import dev.kitty.engine.KittyOptions;
import dev.kitty.engine.ScanReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What lives across the commands of one kitty process: the environment, the output streams, the
 * loaded engine (reused while the options stay the same, so a shell's second scan is warm), and the
 * last scan (for completion of PIDs and ports).
 */
final class Session {

  private final Map<String, String> env;
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean terminal;
  private volatile org.jline.terminal.Terminal screen;
  private Kitty kitty;
  private KittyOptions kittyOptions;
  private java.time.Duration verdictTtl = java.time.Duration.ZERO;
  private volatile ScanReport lastScan;

  Session(Map<String, String> env, PrintWriter out, PrintWriter err, boolean terminal) {
    this.env = Map.copyOf(env);
    this.out = out;
    this.err = err;
    this.terminal = terminal;
  }

  Map<String, String> env() {
    return env;
  }

  PrintWriter out() {
    return out;
  }

  PrintWriter err() {
    return err;
  }

  /** The shell's open terminal, for full-screen views; null outside the shell. */
  org.jline.terminal.Terminal screen() {
    return screen;
  }

  void screen(org.jline.terminal.Terminal t) {
    this.screen = t;
  }

  /** Whether stdin and stdout are a terminal (progress lines and the shell need one). */
  boolean terminal() {
    return terminal;
  }

  /** The engine for these global options, loading families only when the options changed. */
  synchronized Kitty kitty(Path stateDir, List<Path> familyPaths, Path config) {
    return kitty(stateDir, familyPaths, config, false);
  }

  synchronized Kitty kitty(Path stateDir, List<Path> familyPaths, Path config, boolean allUsers) {
    KittyOptions wanted =
        KittyOptions.resolve(env, stateDir, familyPaths, config)
            .withAllUsers(allUsers)
            .withVerdictTtl(verdictTtl);
    if (kitty == null || !Objects.equals(wanted, kittyOptions)) {
      kitty = Kitty.open(wanted);
      kittyOptions = wanted;
    }
    return kitty;
  }

  /**
   * Lets the engine reuse never_touch verdicts for {@code ttl} across this session's scans (ADR
   * 23): the shell, where {@code scan}, {@code map} and {@code watch} repeat within seconds.
   */
  synchronized void reuseNeverTouchVerdicts(java.time.Duration ttl) {
    verdictTtl = ttl;
  }

  /** The engine already loaded, if any (for completion). */
  synchronized Kitty loadedKitty() {
    return kitty;
  }

  private final java.util.Set<java.util.List<String>> started = new java.util.LinkedHashSet<>();

  /** Notes that this session started (or restarted) {@code family}'s launch {@code name}. */
  synchronized void started(String family, String name) {
    started.add(java.util.List.of(family, name));
  }

  /** What this session started, oldest first, as (family, name) pairs; and forgets it. */
  synchronized java.util.List<java.util.List<String>> takeStarted() {
    java.util.List<java.util.List<String>> out = java.util.List.copyOf(started);
    started.clear();
    return out;
  }

  ScanReport lastScan() {
    return lastScan;
  }

  void lastScan(ScanReport scan) {
    this.lastScan = scan;
  }
}
