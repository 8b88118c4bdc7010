package dev.kitty.engine.internal.contain;

import dev.kitty.engine.internal.os.WinCommandLine;
import dev.kitty.engine.internal.os.WinJobApi;
import dev.kitty.engine.model.CgroupUsage;
import dev.kitty.engine.model.Confinement;
import dev.kitty.engine.model.Limits;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Job Object per launch on Windows (ADR 32): named {@code Local\kitty-STATE-LAUNCH}, its limits
 * set before anything runs in it, breakaway never allowed. kitty creates the launch's process
 * itself, suspended, assigns it to the job (and first to its stack's job, which nests it there) and
 * only then resumes it: a child started before the assignment would be outside. A job with neither
 * a handle nor a process is destroyed, so the handle {@link #create} made is held until the process
 * is in the job; after that kitty keeps none (no kill-on-close: a daemon outlives its starter), the
 * job lives while a process is in it, and a later kitty opens it by name to list or end what is
 * inside.
 */
public final class WindowsJobs implements Containment {

  private static final String PREFIX = "Local\\kitty-";

  private final WinJobApi api;
  private final boolean newCells;

  /** The handles {@link #create} made, by job name, until {@link #spawn} or {@link #remove}. */
  private final Map<String, Long> made = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param newCells whether new launches get a job ({@code KITTY_CONTAINMENT=off}: no)
   */
  public WindowsJobs(WinJobApi api, boolean newCells) {
    this.api = api;
    this.newCells = newCells;
  }

  @Override
  public boolean active() {
    return newCells;
  }

  @Override
  public String describe() {
    return newCells
        ? "job objects (a Job Object per launch, created suspended, no breakaway); limits"
            + " enforced: processes, memory, cpu"
        : SWITCHED_OFF;
  }

  private static String name(String stateKey, String leaf) {
    return PREFIX + stateKey + "-" + leaf;
  }

  /**
   * Makes the launch's job with its limits; its handle stays open in this kitty until the launch's
   * process is in the job ({@link #spawn}) or the start is abandoned ({@link #remove}).
   */
  @Override
  public Optional<Cell> create(String stateKey, String launchId, Confinement confinement) {
    if (!newCells) {
      return Optional.empty();
    }
    if (!launchId.matches("[A-Za-z0-9-]{1,64}") || !stateKey.matches("[0-9a-f]{1,64}")) {
      throw new IllegalArgumentException("not a state key and launch id: " + stateKey + launchId);
    }
    String name = name(stateKey, launchId);
    long job = api.createJob(name);
    if (job <= 0) {
      throw new java.io.UncheckedIOException(
          new IOException("cannot create the job object " + name + ": error " + -job));
    }
    int error = limit(job, confinement.limits());
    if (error != 0) {
      api.close(job);
      throw new java.io.UncheckedIOException(
          new IOException("cannot limit the job object " + name + ": error " + error));
    }
    made.put(name, job);
    return Optional.of(new Cell(name, 0));
  }

  private int limit(long job, Limits l) {
    return l.any() ? api.limit(job, l.maxProcesses(), l.maxMemoryBytes(), l.cpuPercent()) : 0;
  }

  @Override
  public List<String> unenforced(Confinement confinement) {
    return newCells ? List.of() : Controllers.NONE.unenforceable(confinement);
  }

  @Override
  public CgroupUsage usage(Cell cell) {
    return CgroupUsage.UNKNOWN;
  }

  @Override
  public List<String> enter(Cell cell) {
    return List.of(); // kitty creates the process itself, in its job: spawn
  }

  /**
   * Starts {@code pb}'s command suspended in {@code cell}'s job (nested in its stack's job when
   * {@code stackGroup} is set), then resumes it. A process that could not be assigned is ended
   * before it ran a single instruction, and the start fails.
   */
  @Override
  public Optional<Process> spawn(ProcessBuilder pb, Cell cell, Confinement confinement)
      throws IOException {
    // Local\kitty-STATE-LAUNCH: the state key is hex, so the first '-' after the prefix ends it.
    String stateKey =
        cell.path().substring(PREFIX.length(), cell.path().indexOf('-', PREFIX.length()));
    List<Long> jobs = new ArrayList<>();
    try {
      if (confinement.group() != null) {
        String group = name(stateKey, confinement.group());
        long g = api.openJob(group);
        if (g <= 0) {
          g = api.createJob(group);
        }
        if (g <= 0 || limit(g, confinement.groupLimits()) != 0) {
          throw new IOException("cannot make the stack's job object " + group);
        }
        jobs.add(g);
      }
      Long kept = made.remove(cell.path());
      long own = kept != null ? kept : api.openJob(cell.path());
      if (own <= 0) {
        throw new IOException("the job object " + cell.path() + " is gone (error " + -own + ")");
      }
      jobs.add(own);
      List<String> env = new ArrayList<>();
      for (Map.Entry<String, String> e : pb.environment().entrySet()) {
        env.add(e.getKey() + "=" + e.getValue());
      }
      File log = pb.redirectOutput().file();
      WinJobApi.Created p =
          api.createSuspended(
              WinCommandLine.of(pb.command()),
              env,
              pb.directory() == null ? null : pb.directory().getAbsolutePath(),
              log == null ? "NUL" : log.getAbsolutePath());
      if (p.error() != 0) {
        throw new IOException("CreateProcessW failed: error " + p.error());
      }
      for (long job : jobs) {
        int error = api.assign(job, p.process());
        if (error != 0) {
          // Suspended: it has run nothing, started nothing; it goes before it ever does.
          api.terminate(p.process(), 1);
          api.close(p.thread());
          api.close(p.process());
          throw new IOException(
              "cannot put pid " + p.pid() + " into its job object: error " + error + "; ended");
        }
      }
      int error = api.resume(p.thread());
      api.close(p.thread());
      if (error != 0) {
        api.terminate(p.process(), 1);
        api.close(p.process());
        throw new IOException("cannot resume pid " + p.pid() + ": error " + error + "; ended");
      }
      return Optional.of(new JobProcess(api, p.process(), p.pid()));
    } finally {
      jobs.forEach(api::close);
    }
  }

  @Override
  public Optional<List<Long>> readMembers(Cell cell) {
    long job = api.openJob(cell.path());
    if (job <= 0) {
      return Optional.of(List.of()); // no process keeps it: gone
    }
    try {
      return Optional.ofNullable(api.pids(job));
    } finally {
      api.close(job);
    }
  }

  @Override
  public boolean inState(Cell cell, String stateKey) {
    return cell.path().startsWith(PREFIX + stateKey + "-");
  }

  @Override
  public boolean populated(Cell cell) {
    return readMembers(cell).map(m -> !m.isEmpty()).orElse(true); // unreadable: assume not empty
  }

  @Override
  public Optional<String> notTheCellOf(Cell cell, String launchId) {
    return cell.path()
            .matches("Local\\\\kitty-[0-9a-f]{1,64}-" + java.util.regex.Pattern.quote(launchId))
        ? Optional.empty()
        : Optional.of(
            "job object " + cell.path() + " is not the one kitty made for launch " + launchId);
  }

  @Override
  public boolean killsAtOnce() {
    return true; // TerminateJobObject
  }

  @Override
  public String kill(Cell cell) {
    long job = api.openJob(cell.path());
    if (job <= 0) {
      return "cannot open the job object " + cell.path() + ": error " + -job;
    }
    try {
      int error = api.terminateJob(job, 1);
      return error == 0 ? null : "TerminateJobObject failed: error " + error;
    } finally {
      api.close(job);
    }
  }

  @Override
  public int pruneEmpty(Duration age) {
    return 0; // a job without processes or handles is gone already
  }

  @Override
  public List<Cell> cells(String stateKey) {
    return List.of(); // named jobs cannot be listed: only the records name them
  }

  @Override
  public Optional<java.time.Instant> madeAt(Cell cell) {
    return Optional.empty();
  }

  @Override
  public Optional<Cell> cellOf(long pid) {
    return Optional.empty();
  }

  @Override
  public boolean freeze(Cell cell, boolean frozen) {
    return false; // a job has no freezer: the gate checks the members with the window open
  }

  @Override
  public boolean remove(Cell cell) {
    Long kept = made.remove(cell.path());
    if (kept != null) {
      api.close(kept); // a start abandoned before its process was in the job
    }
    return !populated(cell); // nothing else to remove: it goes with its last process
  }
}
