package dev.kitty.engine.internal.discovery;

import dev.kitty.engine.internal.contain.Containment;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * One platform backend: the operating system, and a process table and a listener scanner that agree
 * with each other. Chosen once per kitty process by {@link #detect()}: the one place that asks
 * which operating system this is (ADR 28); everything else asks {@link #os()}.
 *
 * @param name the backend's name, shown by {@code doctor}
 * @param os the operating system, which picks the signaller and the subreaper
 * @param processes the process table
 * @param listeners the listener scanner
 * @param containmentSource where launches are kept so that none escapes (ADR 29), detected on first
 *     use: a scan never asks, and a cold command should not pay for the probe
 */
public record Platform(
    String name,
    Os os,
    ProcessTable processes,
    ListenerScanner listeners,
    Supplier<Containment> containmentSource) {

  /** A backend without containment (the portable one, and the fake worlds of tests). */
  public Platform(String name, Os os, ProcessTable processes, ListenerScanner listeners) {
    this(
        name,
        os,
        processes,
        listeners,
        () -> Containment.none("session+cookie: " + name + " has no cgroups"));
  }

  /** Where launches are kept (ADR 29). */
  public Containment containment() {
    return containmentSource.get();
  }

  /** The operating systems kitty tells apart. */
  public enum Os {
    LINUX,
    WINDOWS,
    MACOS,
    /** Anything else, and the fake worlds of tests: the portable fallbacks. */
    OTHER
  }

  /** The backend for the running OS, its containment chosen by the process's environment. */
  public static Platform detect() {
    return detect(System.getenv());
  }

  /**
   * The backend for the running OS; {@code env} (kitty's environment as the front end sees it) may
   * switch containment off ({@code KITTY_CONTAINMENT=off}).
   */
  public static Platform detect(java.util.Map<String, String> env) {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    if (os.contains("linux")) {
      Platform p = linux(Path.of("/proc"));
      return new Platform(
          p.name(), p.os(), p.processes(), p.listeners(), Containment.detectedOnFirstUse(env));
    }
    ProcessHandleTable table = new ProcessHandleTable();
    if (os.contains("win")) {
      return new Platform(
          "windows-netstat",
          Os.WINDOWS,
          table,
          new NetstatListenerScanner(),
          Containment.detectedOnFirstUse(env));
    }
    return new Platform(
        "macos-lsof", os.contains("mac") ? Os.MACOS : Os.OTHER, table, new LsofListenerScanner());
  }

  /** The Linux backend reading {@code /proc} at {@code procRoot} (a fixture folder in tests). */
  public static Platform linux(Path procRoot) {
    ProcFs fs = new ProcFs(procRoot);
    LinuxProcessTable table = new LinuxProcessTable(fs);
    return new Platform("linux-procfs", Os.LINUX, table, new ProcNetListenerScanner(fs));
  }
}
