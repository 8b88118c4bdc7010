package dev.kitty.engine.internal.discovery;

import dev.kitty.api.ProcessView;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The process table read straight from {@code /proc} (no {@code ps} subprocess). */
final class LinuxProcessTable implements ProcessTable {

  /** USER_HZ is 100 on every mainstream Linux ABI; /proc reports start times in these ticks. */
  static final long CLOCK_TICKS_PER_SECOND = 100;

  private static final long PAGE_SIZE = 4096;

  /** Only these variables are ever kept from another process's environment. */
  static final Set<String> COOKIES =
      Set.of("KITTY_LAUNCH_ID", "KITTY_SERVICE", "KITTY_STACK", "KITTY_FAMILY", "KITTY_TEST");

  private final ProcFs fs;
  private final long bootEpochSeconds;
  private final Map<Integer, String> userNames = new HashMap<>();
  private volatile boolean usersLoaded;

  LinuxProcessTable(ProcFs fs) {
    this.fs = fs;
    this.bootEpochSeconds = readBootTime(fs);
  }

  private static long readBootTime(ProcFs fs) {
    return fs.text(fs.root().resolve("stat"))
        .flatMap(
            s ->
                s.lines()
                    .filter(l -> l.startsWith("btime "))
                    .findFirst()
                    .map(l -> l.substring(6).strip()))
        .map(
            v -> {
              try {
                return Long.parseLong(v);
              } catch (NumberFormatException e) {
                return -1L;
              }
            })
        .orElse(-1L);
  }

  @Override
  public Map<Long, ProcessNode> nodes() {
    Map<Long, ProcessNode> out = new HashMap<>();
    for (long pid : fs.pids()) {
      node(pid).ifPresent(n -> out.put(pid, n));
    }
    return out;
  }

  @Override
  public Optional<ProcessNode> node(long pid) {
    return stat(pid)
        .map(s -> new ProcessNode(pid, s.ppid(), s.pgid(), s.startTicks(), s.state(), s.comm()));
  }

  Optional<ProcStat> stat(long pid) {
    return fs.text(fs.pidDir(pid).resolve("stat")).flatMap(ProcStatParser::parse);
  }

  @Override
  public Optional<ProcessView> view(long pid) {
    Path dir = fs.pidDir(pid);
    Optional<ProcStat> stat = stat(pid);
    if (stat.isEmpty()) {
      return Optional.empty();
    }
    ProcStat s = stat.get();
    int uid = fs.text(dir.resolve("status")).map(LinuxProcessTable::realUid).orElse(-1);
    List<String> args =
        fs.bytes(dir.resolve("cmdline")).map(LinuxProcessTable::nulSplit).orElse(List.of());
    Optional<byte[]> environ = fs.bytes(dir.resolve("environ"));
    Map<String, String> cookies = environ.map(LinuxProcessTable::cookies).orElse(Map.of());
    String exe = fs.link(dir.resolve("exe")).orElse(null);
    String cwd = fs.link(dir.resolve("cwd")).orElse(null);
    Instant start =
        bootEpochSeconds < 0
            ? null
            : Instant.ofEpochSecond(bootEpochSeconds)
                .plusMillis(s.startTicks() * 1000 / CLOCK_TICKS_PER_SECOND);
    return Optional.of(
        new ProcessView(
            pid,
            s.ppid(),
            s.pgid(),
            s.sid(),
            uid,
            uid < 0 ? null : userName(uid),
            s.startTicks(),
            start,
            s.comm(),
            args,
            exe,
            cwd,
            s.rssPages() * PAGE_SIZE,
            s.state(),
            cookies,
            environ.isPresent()));
  }

  @Override
  public java.util.OptionalLong cpuMillis(long pid) {
    Optional<ProcStat> s = stat(pid);
    return s.isEmpty()
        ? java.util.OptionalLong.empty()
        : java.util.OptionalLong.of(s.get().cpuTicks() * 1000 / CLOCK_TICKS_PER_SECOND);
  }

  @Override
  public int uid(long pid) {
    return fs.text(fs.pidDir(pid).resolve("status")).map(LinuxProcessTable::realUid).orElse(-1);
  }

  @Override
  public int currentUid() {
    return fs.text(fs.root().resolve("self/status")).map(LinuxProcessTable::realUid).orElse(-1);
  }

  static int realUid(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("Uid:")) {
        String[] f = line.substring(4).strip().split("\\s+");
        try {
          return Integer.parseInt(f[0]);
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }

  /** Splits NUL-separated fields; a trailing NUL ends the last field and adds no empty one. */
  static List<String> nulSplit(byte[] bytes) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        out.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    if (start < bytes.length) {
      out.add(new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8));
    }
    return out;
  }

  static Map<String, String> cookies(byte[] environ) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String kv : nulSplit(environ)) {
      int eq = kv.indexOf('=');
      if (eq > 0 && COOKIES.contains(kv.substring(0, eq))) {
        out.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    return out;
  }

  private String userName(int uid) {
    if (!usersLoaded) {
      synchronized (userNames) {
        if (!usersLoaded) {
          try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
              String[] f = line.split(":");
              if (f.length > 2) {
                try {
                  userNames.putIfAbsent(Integer.parseInt(f[2]), f[0]);
                } catch (NumberFormatException ignored) {
                  // a malformed passwd line names nobody
                }
              }
            }
          } catch (java.io.IOException e) {
            // no passwd: names stay numeric
          }
          usersLoaded = true;
        }
      }
    }
    return userNames.getOrDefault(uid, Integer.toString(uid));
  }
}
