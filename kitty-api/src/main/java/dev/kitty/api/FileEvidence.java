package dev.kitty.api;

import java.util.Optional;

/**
 * A small file read as identity evidence: its text plus who owns it and who may write it, so a
 * probe can refuse a file another user could have forged.
 *
 * <p>Stability: experimental.
 *
 * @param path the file asked for; never null
 * @param text the content, null when it could not be read
 * @param ownerUid the owner's uid, -1 when unknown
 * @param worldWritable whether anyone may write the file (then it proves nothing)
 * @param error why it could not be read; null when it was
 * @param groupWritable whether its group may write it (then it proves nothing about its owner
 *     alone); false when unknown
 * @since 0.1
 */
public record FileEvidence(
    String path,
    String text,
    int ownerUid,
    boolean worldWritable,
    String error,
    boolean groupWritable) {

  /**
   * The {@code error} of a file that does not exist.
   *
   * @since 0.1
   */
  public static final String NO_SUCH_FILE = "no such file";

  /**
   * The {@code error} of a path that is a folder: its owner and modes are filled in, so a probe can
   * check who could have written the files in it.
   *
   * @since 0.1
   */
  public static final String IS_DIRECTORY = "is a directory";

  /**
   * Evidence without the group-write bit (unknown, as on non-POSIX file systems).
   *
   * @since 0.1
   */
  public FileEvidence(String path, String text, int ownerUid, boolean worldWritable, String error) {
    this(path, text, ownerUid, worldWritable, error, false);
  }

  /**
   * Whether the path is a folder.
   *
   * @since 0.1
   */
  public boolean isDirectory() {
    return IS_DIRECTORY.equals(error);
  }

  /**
   * Whether this file or folder could only have been written by {@code uid} (and root): owned by
   * it, and writable by neither its group nor others.
   *
   * @since 0.1
   */
  public boolean writableOnlyBy(int uid) {
    return ownerUid >= 0 && ownerUid == uid && !worldWritable && !groupWritable;
  }

  /**
   * Whether the file does not exist (as opposed to existing and being unreadable).
   *
   * @since 0.1
   */
  public boolean absent() {
    return NO_SUCH_FILE.equals(error);
  }

  /**
   * The content, when the file was read.
   *
   * @since 0.1
   */
  public Optional<String> content() {
    return Optional.ofNullable(text);
  }
}
