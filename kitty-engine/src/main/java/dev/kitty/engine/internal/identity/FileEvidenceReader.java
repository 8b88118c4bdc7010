package dev.kitty.engine.internal.identity;

import dev.kitty.api.FileEvidence;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** Reads small evidence files with their owner and mode; never follows a symlink, never throws. */
public final class FileEvidenceReader {

  /** The most bytes read from an evidence file. */
  public static final int MAX_BYTES = 64 * 1024;

  private FileEvidenceReader() {}

  /** The evidence at {@code path}. */
  public static FileEvidence read(String path) {
    Path p;
    try {
      p = Path.of(path);
    } catch (RuntimeException e) {
      return new FileEvidence(path, null, -1, false, "not a path");
    }
    try {
      int uid = -1;
      boolean worldWritable = false;
      boolean groupWritable = false;
      // Not Files.exists: it says false also when existence cannot be told (a folder above that
      // kitty cannot search, a name too long), and only "no such file" may mean gone — a probe
      // takes a project that is gone for a stale daemon's (ADR 35). readAttributes throws
      // NoSuchFileException for that alone; anything else is an error that proves nothing.
      Files.readAttributes(
          p, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      try {
        uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> perms =
            Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        worldWritable = perms.contains(PosixFilePermission.OTHERS_WRITE);
        groupWritable = perms.contains(PosixFilePermission.GROUP_WRITE);
      } catch (UnsupportedOperationException | IllegalArgumentException e) {
        // Not a POSIX file system: owner and mode stay unknown.
      }
      if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        String why =
            Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                ? FileEvidence.IS_DIRECTORY
                : "not a regular file";
        return new FileEvidence(path, null, uid, worldWritable, why, groupWritable);
      }
      byte[] bytes;
      try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
        bytes = in.readNBytes(MAX_BYTES + 1);
      }
      if (bytes.length > MAX_BYTES) {
        return new FileEvidence(
            path, null, uid, worldWritable, "larger than " + MAX_BYTES + " bytes", groupWritable);
      }
      return new FileEvidence(
          path, new String(bytes, StandardCharsets.UTF_8), uid, worldWritable, null, groupWritable);
    } catch (NoSuchFileException e) {
      return new FileEvidence(path, null, -1, false, FileEvidence.NO_SUCH_FILE);
    } catch (IOException | SecurityException e) {
      return new FileEvidence(
          path, null, -1, false, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}
