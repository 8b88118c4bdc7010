package dev.kitty.engine.internal.contain;

import dev.kitty.engine.model.CgroupUsage;
import dev.kitty.engine.model.Confinement;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where the processes of a launch are kept so that none can escape (ADR 29): a cgroup v2 per launch
 * where kitty can make one ({@link CgroupV2}), else nothing more than the session and the
 * environment cookie every launch carries anyway ({@link #none}). Chosen once, by {@link #detect},
 * for the platform; {@code doctor} shows {@link #describe()}.
 */
public interface Containment {

  /** What {@link #describe()} says of a containment {@code KITTY_CONTAINMENT=off} switched off. */
  String SWITCHED_OFF =
      "session+cookie: containment switched off (KITTY_CONTAINMENT=off); limits not enforced";

  /** Whether launches get a cell of their own. */
  boolean active();

  /** What is in use and why, for {@code doctor}. */
  String describe();

  /**
   * Makes the cell of launch {@code launchId} of the state dir whose digest is {@code stateKey},
   * beneath the group and with the limits {@code confinement} names (ADR 30); empty when this
   * containment makes none.
   *
   * @throws java.io.UncheckedIOException when the cell cannot be made or the kernel refuses a limit
   *     (naming the file)
   */
  Optional<Cell> create(String stateKey, String launchId, Confinement confinement);

  /** The limits of {@code confinement} the kernel would not enforce here, each with why. */
  List<String> unenforced(Confinement confinement);

  /** What the kernel counts for {@code cell} (ADR 30). */
  CgroupUsage usage(Cell cell);

  /**
   * The words that run before a launch's command and put its first process into {@code cell}, so
   * that nothing it starts is ever outside: the command's words follow them, and the process execs
   * into the command once it is inside.
   */
  List<String> enter(Cell cell);

  /**
   * Starts {@code pb} inside {@code cell} where the platform cannot enter a cell before the command
   * runs (Windows: created suspended, put into its job, resumed; ADR 32); empty where {@link
   * #enter} does it and the caller starts {@code pb} itself.
   *
   * @throws java.io.IOException when it cannot be started inside (nothing of it then runs)
   */
  default Optional<Process> spawn(ProcessBuilder pb, Cell cell, Confinement confinement)
      throws java.io.IOException {
    return Optional.empty();
  }

  /**
   * The pids in {@code cell} now (empty when it is gone), or empty when they cannot all be read: a
   * kill is never approved over a member list that may be partial.
   */
  Optional<List<Long>> readMembers(Cell cell);

  /** Whether {@code cell} belongs to the state dir whose digest is {@code stateKey}. */
  boolean inState(Cell cell, String stateKey);

  /** The pids in {@code cell} now (empty when it is gone, or when they cannot be read). */
  default List<Long> members(Cell cell) {
    return readMembers(cell).orElse(List.of());
  }

  /** Whether any process is in {@code cell}. */
  boolean populated(Cell cell);

  /**
   * Why {@code cell} is not the cell this containment made for launch {@code launchId} and may act
   * on (outside its subtree, not named by the launch's cookie, or its id is not the recorded one),
   * or empty when it is.
   */
  Optional<String> notTheCellOf(Cell cell, String launchId);

  /**
   * Whether {@link #kill} ends a cell's members at once ({@code cgroup.kill}, {@code
   * TerminateJobObject}); where not (Linux 5.2–5.13), the gate freezes the cell and sends KILL to
   * each member, which a frozen member cannot outrun by forking (ADR 29).
   */
  boolean killsAtOnce();

  /**
   * Kills every process in {@code cell} at once ({@code cgroup.kill}: a forking loop cannot race
   * it). Only the signal gate calls this, after {@link #notTheCellOf} (ADR 12, 29).
   *
   * @return null when the kill was written, else why not
   */
  String kill(Cell cell);

  /**
   * Removes every empty cell older than {@code age} (a daemon that exited by itself, a process
   * ended from outside kitty): a start enters its cell milliseconds after making it, so a cell that
   * old and empty is no start's. Returns how many went.
   */
  int pruneEmpty(Duration age);

  /**
   * Every launch cell of the state dir whose digest is {@code stateKey} ({@code STATE/LAUNCH} and
   * {@code STATE/stack-ID/LAUNCH}), populated or not.
   */
  List<Cell> cells(String stateKey);

  /** When {@code cell} was made (its directory's time: a cell holds no folder that changes it). */
  Optional<java.time.Instant> madeAt(Cell cell);

  /** The cell of this containment that process {@code pid} is in now, if any. */
  Optional<Cell> cellOf(long pid);

  /**
   * Freezes ({@code true}) or thaws {@code cell} and waits up to a second for the kernel to say it
   * is so: a frozen cell's members neither fork nor exec while the gate checks them. Only the
   * signal gate calls this (ADR 29).
   *
   * @return whether the cell is now in the state asked for
   */
  boolean freeze(Cell cell, boolean frozen);

  /** Waits up to {@code timeout} for {@code cell} to be empty; whether it is. */
  default boolean awaitEmpty(Cell cell, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (populated(cell)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !populated(cell);
      }
    }
    return true;
  }

  /** Removes {@code cell} when it is empty; whether it is gone. */
  boolean remove(Cell cell);

  /** No containment: launches are tracked by their session and cookie only. */
  static Containment none(String why) {
    return new NoContainment(why);
  }

  /** {@link #detect}, once, on first use. */
  static Supplier<Containment> detectedOnFirstUse(Map<String, String> env) {
    return new Supplier<>() {
      private volatile Containment detected;

      @Override
      public Containment get() {
        Containment c = detected;
        if (c == null) {
          synchronized (this) {
            if (detected == null) {
              detected = detect(env);
            }
            c = detected;
          }
        }
        return c;
      }
    };
  }

  /**
   * The containment this machine offers kitty: on Windows a Job Object per launch; elsewhere a
   * writable cgroup2 mount ({@code /sys/fs/cgroup}, or {@code /sys/fs/cgroup/unified} on a hybrid
   * host), else none with the reason. {@code KITTY_CONTAINMENT=off} in {@code env} gives new
   * launches no cell, while the cells of launches made before are still killed, counted and
   * removed: a switch that hid a contained launch's escapee from its {@code down} would make {@code
   * down} lie.
   */
  static Containment detect(Map<String, String> env) {
    boolean on = !"off".equals(env.get("KITTY_CONTAINMENT"));
    if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win")) {
      // A Job Object per launch (ADR 32).
      return dev.kitty.engine.internal.os.Kernel32Jobs.load()
          .<Containment>map(api -> new WindowsJobs(api, on))
          .orElseGet(
              () -> none("session+cookie: the job object calls cannot be bound (native access)"));
    }
    return CgroupV2.detect(Path.of("/proc/self/mountinfo"), on);
  }
}
