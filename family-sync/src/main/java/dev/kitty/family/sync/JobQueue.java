package dev.kitty.family.sync;

import dev.kitty.api.support.JsonText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The daemon's work queue: a job holds the daemon busy for a given time, which makes "sync work in
 * flight" observable. Every state change is appended to the queue file, one JSON object a line, so
 * the work survives in {@code queue_db_path} for whoever looks. A daemon that exits with jobs in
 * flight (TERM, shutdown) waits a little for them and hands back the rest: each gets a {@code
 * handed_back} line, so no job stays {@code running} for ever in the file.
 */
final class JobQueue implements AutoCloseable {

  /** The longest job the daemon accepts. */
  static final Duration MAX_JOB = Duration.ofMinutes(10);

  private final Path file;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong nextId = new AtomicLong(1);
  private final AtomicLong done = new AtomicLong();
  private final Map<Long, String> running = new java.util.concurrent.ConcurrentHashMap<>();
  private boolean closed;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "sync-jobs");
            t.setDaemon(true);
            return t;
          });

  JobQueue(Path file) throws IOException {
    this.file = file;
    Files.createDirectories(file.getParent());
  }

  /** Starts a job that runs for {@code duration}; answers its id. */
  synchronized long submit(String name, Duration duration) throws IOException {
    long id = nextId.getAndIncrement();
    if (closed) {
      throw new IOException("the daemon is shutting down");
    }
    append(id, name, "running", duration);
    running.put(id, name);
    inFlight.incrementAndGet();
    timer.schedule(() -> finish(id, name), duration.toMillis(), TimeUnit.MILLISECONDS);
    return id;
  }

  private synchronized void finish(long id, String name) {
    if (running.remove(id) == null) {
      return; // handed back already
    }
    try {
      append(id, name, "done", Duration.ZERO);
    } catch (IOException e) {
      System.err.println("sync daemon: cannot append to " + file + ": " + e.getMessage());
    } finally {
      inFlight.decrementAndGet();
      done.incrementAndGet();
    }
  }

  private void append(long id, String name, String state, Duration duration) throws IOException {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("id", id);
    line.put("name", name);
    line.put("state", state);
    line.put("duration_ms", duration.toMillis());
    line.put("at", Instant.now().toString());
    Files.writeString(
        file,
        JsonText.write(line) + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND,
        StandardOpenOption.WRITE);
  }

  int inFlight() {
    return inFlight.get();
  }

  long done() {
    return done.get();
  }

  /**
   * Waits up to {@code grace} for the jobs in flight, then hands back those still running; takes no
   * new job after. Safe to call more than once.
   */
  void close(Duration grace) {
    synchronized (this) {
      closed = true;
    }
    long deadline = System.nanoTime() + grace.toNanos();
    while (!running.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    synchronized (this) {
      for (var job : Map.copyOf(running).entrySet()) {
        running.remove(job.getKey());
        try {
          append(job.getKey(), job.getValue(), "handed_back", Duration.ZERO);
        } catch (IOException e) {
          System.err.println("sync daemon: cannot hand back job " + job.getKey() + ": " + e);
        }
        inFlight.decrementAndGet();
      }
    }
    timer.shutdownNow();
  }

  @Override
  public void close() {
    close(Duration.ZERO);
  }
}
