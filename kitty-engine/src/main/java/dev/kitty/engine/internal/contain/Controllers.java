package dev.kitty.engine.internal.contain;

import dev.kitty.engine.model.CgroupUsage;
import dev.kitty.engine.model.Confinement;
import dev.kitty.engine.model.Limits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kernel's resource controllers kitty sets a cell's limits with (ADR 30): the cgroup v2 ones in
 * the cell itself where the v2 hierarchy has them ({@code pids.max}, {@code memory.max}, {@code
 * cpu.max}); on a hybrid host, whose controllers are bound to v1 hierarchies, a companion cgroup of
 * the same relative path in each v1 hierarchy ({@code pids.max}, {@code memory.limit_in_bytes},
 * {@code cpu.cfs_quota_us}) that the launch's first process enters together with its cell. The v2
 * cell stays what says who is in the launch and what {@code cgroup.kill} ends; the companions only
 * limit and count.
 */
final class Controllers {

  static final List<String> NAMES = List.of("pids", "memory", "cpu");

  /** No controller: nothing is limited. */
  static final Controllers NONE = new Controllers(Path.of("/"), Set.of(), Map.of());

  /** Microseconds of a CPU period: {@code cpu.max}'s default. */
  private static final long PERIOD = 100_000;

  private final Path v2Mount;
  private final Set<String> v2;
  private final Map<String, Path> v1;

  /**
   * @param v2Mount the cgroup2 mount
   * @param v2 the controllers the v2 hierarchy offers ({@code cgroup.controllers} of its root)
   * @param v1 the v1 hierarchies by controller, where one is not in {@code v2}
   */
  Controllers(Path v2Mount, Set<String> v2, Map<String, Path> v1) {
    this.v2Mount = v2Mount;
    // In the order of NAMES: what is written and entered is the same on every run.
    this.v2 = new java.util.LinkedHashSet<>(NAMES.stream().filter(v2::contains).toList());
    Map<String, Path> ordered = new LinkedHashMap<>();
    NAMES.stream().filter(v1::containsKey).forEach(c -> ordered.put(c, v1.get(c)));
    this.v1 = java.util.Collections.unmodifiableMap(ordered);
  }

  /** The controllers this machine offers kitty, from its mounts. */
  static Controllers of(Path v2Mount, List<String> mountinfo) {
    java.util.Set<String> v2 = new java.util.HashSet<>();
    try {
      for (String c : Files.readString(v2Mount.resolve("cgroup.controllers")).trim().split(" ")) {
        if (NAMES.contains(c)) {
          v2.add(c);
        }
      }
    } catch (IOException unreadable) {
      // None offered.
    }
    Map<String, Path> v1 = new LinkedHashMap<>();
    for (String line : mountinfo) {
      int dash = line.indexOf(" - ");
      if (dash < 0) {
        continue;
      }
      String[] after = line.substring(dash + 3).split(" ");
      String[] before = line.split(" ");
      if (after.length < 3 || !after[0].equals("cgroup") || before.length < 5) {
        continue;
      }
      List<String> options = List.of(after[2].split(","));
      for (String c : NAMES) {
        if (options.contains(c) && !v2.contains(c) && before[3].equals("/")) {
          v1.putIfAbsent(c, Path.of(before[4].replace("\\040", " ")));
        }
      }
    }
    return new Controllers(v2Mount, v2, v1);
  }

  /** Which limits the kernel enforces for kitty, and how; for {@code doctor}. */
  String describe() {
    List<String> parts = new ArrayList<>();
    if (!v2.isEmpty()) {
      parts.add(String.join(", ", v2) + " by cgroup v2");
    }
    if (!v1.isEmpty()) {
      parts.add(String.join(", ", v1.keySet()) + " by cgroup v1 companions (hybrid host)");
    }
    List<String> missing =
        NAMES.stream().filter(c -> !v2.contains(c) && !v1.containsKey(c)).toList();
    String enforced = parts.isEmpty() ? "none" : String.join("; ", parts);
    return "limits enforced: "
        + enforced
        + (missing.isEmpty() ? "" : " (not enforced: " + String.join(", ", missing) + ")");
  }

  /** The limits {@code c} sets that the kernel cannot enforce here, each with why. */
  List<String> unenforceable(Confinement c) {
    List<String> out = new ArrayList<>();
    for (Limits l : List.of(c.groupLimits(), c.limits())) {
      add(out, l.maxProcesses() > 0 && !offers("pids"), "the process limit (no pids controller)");
      add(
          out,
          l.maxMemoryBytes() > 0 && !offers("memory"),
          "the memory limit (no memory controller)");
      add(out, l.cpuPercent() > 0 && !offers("cpu"), "the CPU limit (no cpu controller)");
    }
    return out;
  }

  private static void add(List<String> out, boolean when, String what) {
    if (when && !out.contains(what)) {
      out.add(what);
    }
  }

  private boolean offers(String controller) {
    return v2.contains(controller) || v1.containsKey(controller);
  }

  /**
   * Gets the cgroup {@code rel} (relative to kitty's subtree, made already in v2) ready to limit:
   * the v2 controllers enabled from the mount down to it, its companions made, {@code limits}
   * written.
   *
   * @throws UncheckedIOException naming the file the kernel refused
   */
  void limit(Path kittyRoot, String rel, Limits limits) {
    try {
      if (!v2.isEmpty()) {
        Path dir = v2Mount;
        Path target = kittyRoot.resolve(rel);
        while (!dir.equals(target)) {
          // Only what is not enabled yet: the mount's own file may be one kitty may not write
          // (delegated to kitty's subtree only), and there its controllers are on already.
          Path control = dir.resolve("cgroup.subtree_control");
          List<String> on = enabled(control);
          List<String> missing =
              v2.stream().filter(c -> !on.contains(c)).map(c -> "+" + c).toList();
          if (!missing.isEmpty()) {
            write(control, String.join(" ", missing));
          }
          dir = dir.resolve(target.getName(dir.getNameCount()).toString());
        }
        writeLimits(target, limits, true, v2::contains);
      }
      for (Map.Entry<String, Path> c : v1.entrySet()) {
        Path dir = companion(c.getValue(), rel);
        Files.createDirectories(dir);
        writeLimits(dir, limits, false, c.getKey()::equals);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> enabled(Path control) {
    try {
      return List.of(Files.readString(control).trim().split("\\s+"));
    } catch (IOException notThere) {
      return List.of();
    }
  }

  private static void writeLimits(
      Path dir, Limits l, boolean unified, java.util.function.Predicate<String> here)
      throws IOException {
    if (here.test("pids")) {
      write(dir.resolve("pids.max"), l.maxProcesses() > 0 ? "" + l.maxProcesses() : "max");
    }
    if (here.test("memory")) {
      String bytes = l.maxMemoryBytes() > 0 ? "" + l.maxMemoryBytes() : unified ? "max" : "-1";
      write(dir.resolve(unified ? "memory.max" : "memory.limit_in_bytes"), bytes);
    }
    if (here.test("cpu")) {
      long quota = l.cpuPercent() > 0 ? l.cpuPercent() * PERIOD / 100 : -1;
      if (unified) {
        write(dir.resolve("cpu.max"), (quota > 0 ? "" + quota : "max") + " " + PERIOD);
      } else {
        write(dir.resolve("cpu.cfs_period_us"), "" + PERIOD);
        write(dir.resolve("cpu.cfs_quota_us"), "" + quota);
      }
    }
  }

  private static void write(Path file, String value) throws IOException {
    try {
      Files.writeString(file, value);
    } catch (IOException e) {
      throw new IOException("cannot write \"" + value + "\" to " + file + ": " + e.getMessage(), e);
    }
  }

  /** The {@code cgroup.procs} files of {@code rel}'s companions that exist (v1 only). */
  List<String> companionProcs(String rel) {
    List<String> out = new ArrayList<>();
    for (Path mount : v1.values()) {
      Path dir = companion(mount, rel);
      if (Files.isDirectory(dir)) {
        out.add(dir.resolve("cgroup.procs").toString());
      }
    }
    return out;
  }

  /** What the kernel counts for the cell {@code rel} (its v2 files, or its companions). */
  CgroupUsage usage(Path kittyRoot, String rel) {
    Path cell = kittyRoot.resolve(rel);
    Path pids =
        v2.contains("pids") ? cell : v1.containsKey("pids") ? companion(v1.get("pids"), rel) : null;
    Path memory =
        v2.contains("memory")
            ? cell
            : v1.containsKey("memory") ? companion(v1.get("memory"), rel) : null;
    boolean unified = v2.contains("memory");
    long processes = pids == null ? -1 : number(pids.resolve("pids.current"));
    long maxProcesses = pids == null ? -1 : number(pids.resolve("pids.max"));
    long bytes =
        memory == null
            ? -1
            : number(memory.resolve(unified ? "memory.current" : "memory.usage_in_bytes"));
    long maxBytes =
        memory == null
            ? -1
            : number(memory.resolve(unified ? "memory.max" : "memory.limit_in_bytes"));
    if (!unified && maxBytes >= Long.MAX_VALUE / 2) {
      maxBytes = 0; // v1 says "no limit" with a page-rounded LONG_MAX
    }
    long ooms =
        memory == null
            ? -1
            : keyed(memory.resolve(unified ? "memory.events" : "memory.oom_control"), "oom_kill");
    long refused = pids == null ? -1 : keyed(pids.resolve("pids.events"), "max");
    return new CgroupUsage(processes, maxProcesses, bytes, maxBytes, ooms, refused);
  }

  /** A number file; "max" is 0 (no limit), a missing or unreadable file -1. */
  private static long number(Path file) {
    try {
      String s = Files.readString(file).trim();
      return s.equals("max") ? 0 : Long.parseLong(s);
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** The value of {@code key} in a flat keyed file ({@code key value} a line), or -1. */
  private static long keyed(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(key + " ")) {
          return Long.parseLong(line.substring(key.length() + 1).trim());
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /**
   * Removes {@code rel}'s companions, and their parents up to kitty's folder where they are empty.
   */
  void removeCompanions(String rel) {
    for (Path mount : v1.values()) {
      Path top = mount.resolve("kitty");
      for (Path dir = companion(mount, rel); dir.startsWith(top) && !dir.equals(top); ) {
        try {
          Files.delete(dir);
        } catch (NoSuchFileException gone) {
          // Never made, or removed already: the parent may still be empty.
        } catch (DirectoryNotEmptyException | UncheckedIOException othersLeft) {
          break;
        } catch (IOException busy) {
          break; // EBUSY: still populated, or a cell is being made beside it
        }
        dir = dir.getParent();
      }
    }
  }

  private static Path companion(Path mount, String rel) {
    return mount.resolve("kitty").resolve(rel);
  }
}
