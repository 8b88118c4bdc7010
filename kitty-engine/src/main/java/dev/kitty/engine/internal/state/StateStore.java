package dev.kitty.engine.internal.state;

import dev.kitty.engine.StateRecord;
import dev.kitty.engine.internal.JsonSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * kitty's records in the state directory ({@code records/*.json}): read for {@code doctor}, written
 * atomically (a temporary file in the same folder, flushed to disk, then renamed over the old one)
 * so a reader sees the old record or the new one, never half of either.
 */
public final class StateStore {

  private static final Map<Path, ReentrantLock> IN_PROCESS_LOCKS = new ConcurrentHashMap<>();

  private final Path dir;

  /** The store under {@code stateDir}. */
  public StateStore(Path stateDir) {
    this.dir = stateDir.toAbsolutePath().normalize();
  }

  /** The state directory. */
  public Path dir() {
    return dir;
  }

  /** The records folder. */
  public Path recordsDir() {
    return dir.resolve("records");
  }

  /** Where the record of {@code family}'s live singleton is kept. */
  public Path singletonRecord(String family) {
    return recordsDir().resolve(family + ".json");
  }

  /**
   * A short stable name for {@code scope} (a project path) in file names: 16 hex digits of SHA-256.
   */
  public static String digest(String scope) {
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(scope.getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d, 0, 8);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** The folder for launched daemons' output. */
  public Path logsDir() {
    return dir.resolve("logs");
  }

  /**
   * Writes {@code text} to {@code file} atomically, mode 0600 (records hold tokens).
   *
   * @throws UncheckedIOException when the folder cannot be written
   */
  public void writeAtomically(Path file, String text) {
    try {
      Files.createDirectories(file.getParent(), privateDir());
      Path tmp =
          Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp", privateFile());
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      syncDirectory(file.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Flushes a folder's entries to disk: without it, a rename that a crash interrupts can leave
   * neither the old record nor the new one after a power loss (the file's data was flushed, the
   * directory entry naming it was not). Where the platform cannot open a folder for it, skipped.
   */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not every platform can fsync a folder (Windows); the rename itself is still atomic.
    }
  }

  /**
   * Moves an unusable record to {@code STATE/quarantine/} (its name and the time), so that what it
   * held can still be read by a person and the command that found it can rebuild it.
   *
   * @return what happened, for the warning that names the file: "was moved to …", or why not
   */
  public String quarantine(Path file) {
    try {
      Path q = Files.createDirectories(dir.resolve("quarantine"), privateDir());
      Path to = q.resolve(file.getFileName() + "." + System.currentTimeMillis());
      Files.move(file, to, StandardCopyOption.ATOMIC_MOVE);
      return "was moved to " + to;
    } catch (IOException e) {
      return "is unusable and could not be moved aside: " + e.getMessage();
    }
  }

  /**
   * Takes the named lock, across processes (an OS file lock on {@code locks/NAME.lock}) and across
   * threads of this one; blocks until it is free.
   */
  public Held lock(String name) {
    Path file = dir.resolve("locks").resolve(name + ".lock");
    ReentrantLock local = IN_PROCESS_LOCKS.computeIfAbsent(file, f -> new ReentrantLock());
    local.lock();
    try {
      Files.createDirectories(file.getParent(), privateDir());
      FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.lock();
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
      return new Held(local, ch, lock);
    } catch (IOException e) {
      local.unlock();
      throw new UncheckedIOException("cannot lock " + file + ": " + e.getMessage(), e);
    }
  }

  /** A held lock; closing releases it. */
  public static final class Held implements AutoCloseable {
    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock lock;

    private Held(ReentrantLock local, FileChannel channel, FileLock lock) {
      this.local = local;
      this.channel = channel;
      this.lock = lock;
    }

    @Override
    public void close() {
      try {
        lock.release();
        channel.close();
      } catch (IOException e) {
        // Closing the channel releases the lock in any case.
      } finally {
        local.unlock();
      }
    }
  }

  private static FileAttribute<?> privateDir() {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
  }

  private static FileAttribute<?> privateFile() {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  }

  /** Every record, sorted by file name; unreadable ones carry their error. */
  public List<StateRecord> records() {
    List<StateRecord> out = new ArrayList<>();
    Path records = recordsDir();
    if (!Files.isDirectory(records)) {
      return out;
    }
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(records, "*.json")) {
      ds.forEach(files::add);
    } catch (IOException e) {
      out.add(new StateRecord(records.toString(), null, "cannot list records: " + e.getMessage()));
      return out;
    }
    files.sort(null);
    for (Path f : files) {
      try {
        String text = Files.readString(f);
        Map<String, Object> data = JsonSupport.objectOrNull(text);
        out.add(
            data == null
                ? new StateRecord(f.toString(), null, "not a JSON object")
                : new StateRecord(f.toString(), data, null));
      } catch (IOException e) {
        out.add(new StateRecord(f.toString(), null, "cannot be read: " + e.getMessage()));
      }
    }
    return out;
  }
}
