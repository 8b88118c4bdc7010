package dev.kitty.engine.internal.discovery;

import java.nio.file.Path;
import java.util.Locale;

/**
 * One platform backend: a process table and a listener scanner that agree with each other. Chosen
 * once per kitty process by {@link #detect()}.
 *
 * @param name the backend's name, shown by {@code doctor}
 * @param processes the process table
 * @param listeners the listener scanner
 */
public record Platform(String name, ProcessTable processes, ListenerScanner listeners) {

  /** The backend for the running OS. */
  public static Platform detect() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    if (os.contains("linux")) {
      return linux(Path.of("/proc"));
    }
    ProcessHandleTable table = new ProcessHandleTable();
    if (os.contains("win")) {
      return new Platform("windows-netstat", table, new NetstatListenerScanner());
    }
    return new Platform("macos-lsof", table, new LsofListenerScanner());
  }

  /** The Linux backend reading {@code /proc} at {@code procRoot} (a fixture folder in tests). */
  public static Platform linux(Path procRoot) {
    ProcFs fs = new ProcFs(procRoot);
    LinuxProcessTable table = new LinuxProcessTable(fs);
    return new Platform("linux-procfs", table, new ProcNetListenerScanner(fs));
  }
}
