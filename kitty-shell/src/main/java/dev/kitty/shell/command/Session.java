package dev.kitty.shell.command;

import dev.kitty.engine.Kitty;
import dev.kitty.engine.model.KittyOptions;
import dev.kitty.engine.model.ScanReport;
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
public final class Session {

  /**
   * The longest the scans of a shell or batch session reuse a never_touch verdict, while the same
   * process holds the same socket and the files its probe read are unchanged (ADR 23): what only an
   * HTTP answer said (a daemon still starting) is asked again within a minute.
   */
  public static final java.time.Duration SESSION_VERDICT_TTL = java.time.Duration.ofSeconds(60);

  private final Map<String, String> env;
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean terminal;
  private volatile org.jline.terminal.Terminal screen;
  private Kitty kitty;
  private KittyOptions kittyOptions;
  private java.time.Duration verdictTtl = java.time.Duration.ZERO;
  private volatile ScanReport lastScan;

  public Session(Map<String, String> env, PrintWriter out, PrintWriter err, boolean terminal) {
    this.env = Map.copyOf(env);
    this.out = out;
    this.err = err;
    this.terminal = terminal;
  }

  public Map<String, String> env() {
    return env;
  }

  public PrintWriter out() {
    return out;
  }

  public PrintWriter err() {
    return err;
  }

  /** The shell's open terminal, for full-screen views; null outside the shell. */
  public org.jline.terminal.Terminal screen() {
    return screen;
  }

  public void screen(org.jline.terminal.Terminal t) {
    this.screen = t;
  }

  /** Whether stdin and stdout are a terminal (progress lines and the shell need one). */
  boolean terminal() {
    return terminal;
  }

  /** The engine for these global options, loading families only when the options changed. */
  public synchronized Kitty kitty(Path stateDir, List<Path> familyPaths, Path config) {
    return kitty(stateDir, familyPaths, config, false);
  }

  public synchronized Kitty kitty(
      Path stateDir, List<Path> familyPaths, Path config, boolean allUsers) {
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
   * Reads the family folders again when they changed since the engine loaded them (or always, with
   * {@code force}) and keeps the engine that has the new families (ADR 33): a command already
   * running goes on with the one it started with. Returns a line per change; none when nothing is
   * loaded yet or nothing changed.
   */
  public synchronized List<String> reloadFamilies(boolean force) {
    if (kitty == null || (!force && !kitty.familyFoldersChanged())) {
      return List.of();
    }
    Kitty next = kitty.withFamiliesReloaded(force);
    List<String> changes = next.familyChangesSince(kitty);
    kitty = next;
    lastScan = null; // it holds the old families: nothing may keep them from going
    return changes;
  }

  /**
   * Lets the engine reuse never_touch verdicts for {@code ttl} across this session's scans (ADR
   * 23): the shell, where {@code scan}, {@code map} and {@code watch} repeat within seconds.
   */
  public synchronized void reuseNeverTouchVerdicts(java.time.Duration ttl) {
    verdictTtl = ttl;
  }

  /** The engine already loaded, if any (for completion). */
  public synchronized Kitty loadedKitty() {
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

  public ScanReport lastScan() {
    return lastScan;
  }

  public void lastScan(ScanReport scan) {
    this.lastScan = scan;
  }
}
