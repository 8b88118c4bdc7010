package dev.kitty.engine.internal.state;

import dev.kitty.engine.internal.JsonSupport;
import dev.kitty.engine.model.StateRecord;
import java.io.IOException;
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

  /**
   * The largest record kitty reads: records are a few hundred bytes; anything larger is not one.
   */
  public static final int MAX_RECORD_BYTES = 1 << 20;

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

  /** The name of this state dir's folder of cgroups (ADR 29): a digest of its absolute path. */
  public String cellKey() {
    return digest(dir().toAbsolutePath().normalize().toString());
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
   * @throws dev.kitty.engine.model.KittyException.BadInput when the state dir is read-only or not
   *     kitty's user's to write
   * @throws dev.kitty.engine.model.KittyException.Failed when the write fails otherwise (a full
   *     disk)
   */
  public void writeAtomically(Path file, String text) {
    Path tmp = null;
    try {
      Files.createDirectories(file.getParent(), privateDir());
      tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp", privateFile());
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
      syncDirectory(file.getParent());
    } catch (IOException e) {
      throw unwritable(file, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // The write failed already; a leftover temporary file is named by nothing.
        }
      }
    }
  }

  /**
   * The error for a state file that cannot be written: a read-only or foreign state dir is the
   * user's input (exit 2), anything else (a full disk) a failed action (exit 1). Both name the
   * file.
   */
  static RuntimeException unwritable(Path file, IOException e) {
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof java.nio.file.AccessDeniedException || why.contains("Read-only file system")) {
      return new dev.kitty.engine.model.KittyException.BadInput(
          "cannot write "
              + file
              + " ("
              + (why.contains("Read-only") ? "read-only file system" : "permission denied")
              + "): the state dir must be writable; choose one with --state-dir or KITTY_STATE_DIR",
          e);
    }
    return new dev.kitty.engine.model.KittyException.Failed("cannot write " + file + ": " + why);
  }

  /**
   * Refuses a state dir that someone else could have written to, as ssh refuses such a key file
   * (ADR 25): the dir, {@code records/} and {@code locks/}, where they exist, must be directories
   * (the last two not symbolic links) owned by {@code uid} and not writable by group or others.
   * Records in a dir another user can write could be forged, and kitty obeys records.
   *
   * @param uid kitty's user, or -1 when unknown (nothing is checked)
   * @throws dev.kitty.engine.model.KittyException.BadInput naming the folder and the fix
   */
  public void verifyTrusted(int uid) {
    if (uid < 0) {
      return;
    }
    checkTrusted(dir, uid, true);
    checkTrusted(recordsDir(), uid, false);
    checkTrusted(dir.resolve("locks"), uid, false);
  }

  private static void checkTrusted(Path d, int uid, boolean followLink) {
    java.nio.file.LinkOption[] how =
        followLink
            ? new java.nio.file.LinkOption[0]
            : new java.nio.file.LinkOption[] {java.nio.file.LinkOption.NOFOLLOW_LINKS};
    java.nio.file.attribute.PosixFileAttributes a;
    int owner;
    try {
      a = Files.readAttributes(d, java.nio.file.attribute.PosixFileAttributes.class, how);
      owner = (Integer) Files.getAttribute(d, "unix:uid", how);
    } catch (java.nio.file.NoSuchFileException absent) {
      return; // made private (0700) when first needed
    } catch (UnsupportedOperationException | IllegalArgumentException notPosix) {
      return; // not a POSIX file system (Windows): its ACLs are not checked here
    } catch (IOException e) {
      throw new dev.kitty.engine.model.KittyException.BadInput(
          "state dir " + d + " cannot be checked: " + e.getMessage(), e);
    }
    String problem = null;
    if (a.isSymbolicLink()) {
      problem = "is a symbolic link";
    } else if (!a.isDirectory()) {
      problem = "is not a directory";
    } else if (owner != uid) {
      problem = "is owned by uid " + owner + ", not by kitty's user (uid " + uid + ")";
    } else if (a.permissions().contains(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE)
        || a.permissions().contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE)) {
      problem =
          "is writable by group or others (mode "
              + PosixFilePermissions.toString(a.permissions())
              + ")";
    }
    if (problem != null) {
      throw new dev.kitty.engine.model.KittyException.BadInput(
          "state dir "
              + d
              + " "
              + problem
              + ": kitty refuses it, since records there could be forged. Fix: "
              + (problem.startsWith("is writable") ? "chmod go-w " + d + ", or " : "")
              + "use a state dir of your own (--state-dir DIR or KITTY_STATE_DIR)",
          null);
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
      if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)
          && !Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException("not a regular file (a symbolic link, a FIFO or a folder)");
      }
      // Never through a symbolic link: a planted one would make kitty create a file where it
      // points (ADR 25).
      FileChannel ch =
          FileChannel.open(
              file,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              java.nio.file.LinkOption.NOFOLLOW_LINKS);
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
      throw unwritable(file, e);
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
      if (!Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        out.add(new StateRecord(f.toString(), null, "not a regular file (not followed, not read)"));
        continue;
      }
      try {
        String text = dev.kitty.api.support.DaemonProof.readSmallFile(f, MAX_RECORD_BYTES);
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
