package dev.kitty.engine.internal.contain;

import dev.kitty.engine.model.CgroupUsage;
import dev.kitty.engine.model.Confinement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A cgroup v2 per launch, under kitty's own subtree {@code MOUNT/kitty/STATE/[GROUP/]LAUNCH} (ADR
 * 29, 30): {@code STATE} is the state dir's digest ({@code StateStore.digest}: two state dirs never
 * share a cell), {@code GROUP} a dev stack's own cgroup ({@code stack-ID}) for its services, {@code
 * LAUNCH} the launch's cookie. The first process enters its cell before it execs the command, so
 * every descendant is born inside; {@code cgroup.kill} ends them all at once, {@code cgroup.events}
 * says when the cell is empty.
 */
public final class CgroupV2 implements Containment {

  private final Path mount;
  private final Path root;
  private final boolean newCells;
  private final Controllers controllers;
  private final boolean killable;

  /**
   * kitty's subtree {@code MOUNT/kitty} in the cgroup2 file system mounted at {@code mount} (a
   * test's temporary folder stands for it where no cgroup is made).
   *
   * @param newCells whether new launches get a cell ({@code KITTY_CONTAINMENT=off}: no, but the
   *     cells of launches made before are still acted on)
   */
  public CgroupV2(Path mount, boolean newCells) {
    this(mount, newCells, null, true);
  }

  /**
   * As above, limiting cells with {@code controllers} (null: none, ADR 30); {@code killable}: the
   * kernel has {@code cgroup.kill} (Linux ≥ 5.14), else a cell is frozen and its members killed one
   * by one.
   */
  CgroupV2(Path mount, boolean newCells, Controllers controllers, boolean killable) {
    this.mount = mount.toAbsolutePath().normalize();
    this.root = this.mount.resolve("kitty");
    this.newCells = newCells;
    this.killable = killable;
    this.controllers = controllers != null ? controllers : Controllers.NONE;
  }

  /** kitty's subtree. */
  public Path root() {
    return root;
  }

  /**
   * The first cgroup2 mount {@code mountinfo} names, when kitty may make cgroups in it (it makes
   * and removes a probe cell to know); else none, with the reason.
   */
  static Containment detect(Path mountinfo, boolean newCells) {
    String mountPoint = null;
    List<String> mounts;
    try {
      mounts = Files.readAllLines(mountinfo);
      for (String line : mounts) {
        int dash = line.indexOf(" - ");
        String[] before = line.split(" ");
        if (dash > 0 && line.substring(dash + 3).startsWith("cgroup2 ") && before.length > 4) {
          mountPoint = before[4].replace("\\040", " ");
          break;
        }
      }
    } catch (IOException e) {
      return Containment.none("session+cookie: " + mountinfo + " cannot be read (" + e + ")");
    }
    if (mountPoint == null) {
      return Containment.none("session+cookie: no cgroup2 file system is mounted");
    }
    Path kitty = Path.of(mountPoint, "kitty");
    Path probe = kitty.resolve("probe-" + ProcessHandle.current().pid());
    try {
      Files.createDirectories(probe);
      boolean killable = Files.exists(probe.resolve("cgroup.kill"));
      boolean freezable = Files.exists(probe.resolve("cgroup.freeze"));
      // A cell is only as good as the move into it: a short-lived child enters the probe as a
      // launch's first process would.
      Process p =
          new ProcessBuilder(
                  "/bin/sh", "-c", "echo $$ > \"$1\"", "kitty-probe", probe + "/cgroup.procs")
              .redirectErrorStream(true)
              .start();
      boolean entered = p.waitFor(2, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
      CgroupV2 found =
          new CgroupV2(
              Path.of(mountPoint), newCells, Controllers.of(Path.of(mountPoint), mounts), killable);
      found.awaitEmpty(new Cell(probe.toString(), inode(probe)), Duration.ofSeconds(1));
      Files.delete(probe);
      if (!entered) {
        return Containment.none(
            "session+cookie: a process cannot be moved into a cgroup under " + kitty);
      }
      if (!killable && !freezable) {
        // Without cgroup.kill a forking loop outruns a kill of each member unless the cell is
        // frozen first, and without cgroup.freeze it cannot be (Linux < 5.2; ADR 29).
        return Containment.none(
            "session+cookie: neither cgroup.kill nor cgroup.freeze under "
                + kitty
                + " (Linux < 5.2)");
      }
      return found;
    } catch (IOException | RuntimeException e) {
      return Containment.none(
          "session+cookie: no writable cgroup2 (" + kitty + ": " + reason(e) + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Containment.none("session+cookie: interrupted while probing " + kitty);
    }
  }

  private static String reason(Exception e) {
    return e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.toString();
  }

  @Override
  public boolean active() {
    return newCells;
  }

  @Override
  public String describe() {
    return newCells
        ? "cgroup v2 at "
            + mount
            + " (kitty's cells under "
            + root
            + (killable ? "" : "; no cgroup.kill: a cell is frozen, then each member killed")
            + "); "
            + controllers.describe()
        : SWITCHED_OFF;
  }

  @Override
  public List<String> unenforced(Confinement c) {
    return (newCells ? controllers : Controllers.NONE).unenforceable(c);
  }

  @Override
  public CgroupUsage usage(Cell cell) {
    return notOurs(cell).isPresent()
        ? CgroupUsage.UNKNOWN
        : controllers.usage(root, root.relativize(Path.of(cell.path())).toString());
  }

  @Override
  public Optional<Cell> create(String stateKey, String launchId, Confinement confinement) {
    if (!newCells) {
      return Optional.empty();
    }
    if (!launchId.matches("[A-Za-z0-9-]{1,64}") || !stateKey.matches("[0-9a-f]{1,64}")) {
      throw new IllegalArgumentException("not a state key and launch id: " + stateKey + launchId);
    }
    Path group =
        confinement.group() == null
            ? root.resolve(stateKey)
            : root.resolve(stateKey).resolve(confinement.group());
    Path dir = group.resolve(launchId);
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        Files.createDirectories(dir);
        last = null;
        break;
      } catch (IOException e) {
        // Another kitty removed the state dir's folder (or the stack's), empty, between our two
        // mkdirs (ENOENT, or ENODEV while the kernel destroys it): again.
        last = e;
      }
    }
    if (last != null) {
      throw new UncheckedIOException("cannot make the cgroup " + dir, last);
    }
    try {
      if (confinement.groupLimits().any() || confinement.limits().any()) {
        if (confinement.group() != null) {
          controllers.limit(root, root.relativize(group).toString(), confinement.groupLimits());
        }
        controllers.limit(root, root.relativize(dir).toString(), confinement.limits());
      }
      return Optional.of(new Cell(dir.toString(), inode(dir)));
    } catch (IOException | UncheckedIOException e) {
      remove(dir);
      throw e instanceof UncheckedIOException u ? u : new UncheckedIOException((IOException) e);
    }
  }

  private static long inode(Path dir) throws IOException {
    return ((Number) Files.getAttribute(dir, "unix:ino")).longValue();
  }

  @Override
  public List<String> enter(Cell cell) {
    if (!newCells) {
      return List.of();
    }
    // The shell writes its own pid into the cell and then becomes the command (exec keeps the
    // pid): the command's first instruction already runs inside.
    List<String> words = new ArrayList<>();
    words.add("/bin/sh");
    words.add("-c");
    words.add(
        "while [ \"$1\" != -- ]; do echo $$ > \"$1\" ||"
            + " { echo \"kitty: cannot enter the cgroup $1\" >&2; exit 125; }; shift; done;"
            + " shift; exec \"$@\"");
    words.add("kitty-enter");
    // The limiting companions first (ADR 30), the cell last: once in the cell the process is the
    // launch's, and it is already limited.
    words.addAll(controllers.companionProcs(root.relativize(Path.of(cell.path())).toString()));
    words.add(cell.path() + "/cgroup.procs");
    words.add("--");
    return words;
  }

  @Override
  public boolean populated(Cell cell) {
    try {
      for (String line : Files.readAllLines(Path.of(cell.path(), "cgroup.events"))) {
        if (line.startsWith("populated ")) {
          return !line.endsWith(" 0");
        }
      }
      return !members(cell).isEmpty();
    } catch (IOException e) {
      // No cgroup.events (a folder standing for a cgroup in tests): what cgroup.procs lists.
      return !members(cell).isEmpty();
    }
  }

  /** Why {@code cell} is not one of kitty's cells (outside the subtree, or another id). */
  private Optional<String> notOurs(Cell cell) {
    Path p = Path.of(cell.path()).toAbsolutePath().normalize();
    if (!p.toString().equals(cell.path()) || !p.startsWith(root) || !cellDepth(p)) {
      return Optional.of("cgroup " + cell.path() + " is not a launch cell under " + root);
    }
    try {
      if (!p.toRealPath().equals(p)) {
        return Optional.of("cgroup " + cell.path() + " goes through a symbolic link");
      }
      long now = inode(p);
      return now == cell.id()
          ? Optional.empty()
          : Optional.of(
              "cgroup " + cell.path() + " has id " + now + ", not the recorded " + cell.id());
    } catch (IOException e) {
      return Optional.of("cgroup " + cell.path() + " is gone");
    }
  }

  /**
   * Whether {@code p} (under kitty's subtree) is as deep as a cell: {@code STATE/[GROUP/]LAUNCH}.
   */
  private boolean cellDepth(Path p) {
    int depth = p.getNameCount() - root.getNameCount();
    boolean group = p.getFileName().toString().startsWith("stack-");
    return depth == 2 && !group
        || depth == 3 && !group && p.getParent().getFileName().toString().startsWith("stack-");
  }

  @Override
  public boolean inState(Cell cell, String stateKey) {
    return Path.of(cell.path()).normalize().startsWith(root.resolve(stateKey));
  }

  @Override
  public Optional<List<Long>> readMembers(Cell cell) {
    List<Long> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of(cell.path(), "cgroup.procs"))) {
        if (!line.isBlank()) {
          out.add(Long.parseLong(line.trim()));
        }
      }
      return Optional.of(out);
    } catch (NoSuchFileException gone) {
      return Optional.of(List.of());
    } catch (IOException | NumberFormatException unreadable) {
      return Optional.empty();
    }
  }

  @Override
  public boolean killsAtOnce() {
    return killable;
  }

  @Override
  public String kill(Cell cell) {
    Path kill = Path.of(cell.path(), "cgroup.kill");
    try {
      Files.writeString(kill, "1");
      return null;
    } catch (IOException e) {
      return "cannot write " + kill + ": " + e.getMessage();
    }
  }

  @Override
  public int pruneEmpty(Duration age) {
    long before = System.currentTimeMillis() - age.toMillis();
    int removed = 0;
    try (var states = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path state : states) {
        List<Cell> cells = new ArrayList<>();
        collect(state, 2, cells);
        for (Cell cell : cells) {
          if (olderThan(Path.of(cell.path()), before) && !populated(cell) && remove(cell)) {
            removed++;
          }
        }
        // A stack's group whose last cell went another way.
        try (var groups = Files.newDirectoryStream(state, "stack-*")) {
          for (Path group : groups) {
            if (olderThan(group, before)) {
              removeIfEmpty(group);
            }
          }
        } catch (IOException | RuntimeException raced) {
          // Removed by another kitty meanwhile.
        }
      }
    } catch (IOException | RuntimeException noSubtree) {
      return removed;
    }
    return removed;
  }

  private static boolean olderThan(Path dir, long before) {
    try {
      return Files.getLastModifiedTime(dir).toMillis() < before;
    } catch (IOException gone) {
      return false;
    }
  }

  private static void removeIfEmpty(Path group) {
    try {
      Files.delete(group);
    } catch (IOException notEmptyOrBusy) {
      // Still holds a cell: it stays.
    }
  }

  @Override
  public Optional<String> notTheCellOf(Cell cell, String launchId) {
    Optional<String> ours = notOurs(cell);
    if (ours.isPresent()) {
      return ours;
    }
    String name = Path.of(cell.path()).getFileName().toString();
    return name.equals(launchId)
        ? Optional.empty()
        : Optional.of("cgroup " + cell.path() + " is not the cell of launch " + launchId);
  }

  @Override
  public List<Cell> cells(String stateKey) {
    List<Cell> out = new ArrayList<>();
    if (!stateKey.matches("[0-9a-f]{1,64}")) {
      return out;
    }
    collect(root.resolve(stateKey), 2, out);
    return out;
  }

  private void collect(Path dir, int levels, List<Cell> out) {
    try (var children = Files.newDirectoryStream(dir, Files::isDirectory)) {
      for (Path child : children) {
        if (levels > 1 && child.getFileName().toString().startsWith("stack-")) {
          collect(child, levels - 1, out);
        } else if (cellDepth(child)) {
          out.add(new Cell(child.toString(), inode(child)));
        }
      }
    } catch (IOException | RuntimeException goneMeanwhile) {
      // Removed by another kitty: nothing here.
    }
  }

  @Override
  public Optional<java.time.Instant> madeAt(Cell cell) {
    if (notOurs(cell).isPresent()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.getLastModifiedTime(Path.of(cell.path())).toInstant());
    } catch (IOException gone) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<Cell> cellOf(long pid) {
    // "0::/kitty/STATE/LAUNCH": the v2 line of /proc/PID/cgroup, relative to the mount.
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
        if (line.startsWith("0::/")) {
          Path p = mount.resolve(line.substring(4)).normalize();
          if (p.startsWith(root) && cellDepth(p)) {
            return Optional.of(new Cell(p.toString(), inode(p)));
          }
        }
      }
    } catch (IOException | RuntimeException gone) {
      // The process or its cell is gone: no cell to remove.
    }
    return Optional.empty();
  }

  @Override
  public boolean freeze(Cell cell, boolean frozen) {
    Path control = Path.of(cell.path(), "cgroup.freeze");
    try {
      Files.writeString(control, frozen ? "1" : "0");
      long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      while (System.nanoTime() < deadline) {
        String events = Files.readString(Path.of(cell.path(), "cgroup.events"));
        if (events.contains("frozen " + (frozen ? "1" : "0"))) {
          return true;
        }
        Thread.sleep(2);
      }
      return false;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public boolean remove(Cell cell) {
    if (notOurs(cell).isPresent() || populated(cell)) {
      return !Files.exists(Path.of(cell.path()));
    }
    return remove(Path.of(cell.path()));
  }

  /**
   * Removes the cell {@code dir}, its limiting companions, and then its parents up to kitty's
   * subtree while they are empty (a stack's group once its last service's cell is gone, the state
   * dir's folder once its last launch's is).
   */
  private boolean remove(Path dir) {
    String rel = root.relativize(dir).toString();
    try {
      Files.delete(dir);
    } catch (NoSuchFileException gone) {
      // Removed already; its parents may still be empty.
    } catch (IOException e) {
      return false;
    } finally {
      controllers.removeCompanions(rel);
    }
    for (Path up = dir.getParent(); up.startsWith(root) && !up.equals(root); up = up.getParent()) {
      try {
        Files.delete(up);
      } catch (NoSuchFileException gone) {
        // Removed by another kitty: its parent may still be empty.
      } catch (java.nio.file.FileSystemException othersLeft) {
        break; // another launch still has its cell there (EBUSY: one is being made beside it)
      } catch (IOException e) {
        break;
      }
    }
    return true;
  }
}
