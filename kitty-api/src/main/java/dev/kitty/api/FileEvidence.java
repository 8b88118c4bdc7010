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
 */
public record FileEvidence(
    String path, String text, int ownerUid, boolean worldWritable, String error) {

  /** The {@code error} of a file that does not exist. */
  public static final String NO_SUCH_FILE = "no such file";

  /** Whether the file does not exist (as opposed to existing and being unreadable). */
  public boolean absent() {
    return NO_SUCH_FILE.equals(error);
  }

  /** The content, when the file was read. */
  public Optional<String> content() {
    return Optional.ofNullable(text);
  }
}
