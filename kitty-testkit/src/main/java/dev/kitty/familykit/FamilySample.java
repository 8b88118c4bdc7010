package dev.kitty.familykit;

import dev.kitty.api.FileEvidence;
import java.util.List;
import java.util.Map;

/**
 * What one of the family's own daemons looks like, as the family author knows it: its command line
 * and the answers it gives (path to body). The kit uses samples to make look-alikes — another
 * program answering exactly as the family's daemon would — which the family must never call {@code
 * safe_auto}: an answer can be copied, so it is never proof alone.
 *
 * <p>{@code {port}} and {@code {pid}} in any of them become the port and pid of the world's
 * process, so a sample answers for the process that holds the port.
 *
 * @param args the daemon's command line, argv[0] first
 * @param answers what {@code GET path} answers, by path (a JSON or text body)
 * @param files the files and folders its probe reads, as {@code ProbeContext.readFile} gives them
 *     (owned by {@link World#KITTY_UID} for a daemon of kitty's user)
 */
public record FamilySample(
    List<String> args, Map<String, String> answers, List<FileEvidence> files) {

  /** Copies the lists. */
  public FamilySample {
    args = List.copyOf(args);
    answers = Map.copyOf(answers);
    files = List.copyOf(files);
  }

  /** A sample whose probe reads no files. */
  public FamilySample(List<String> args, Map<String, String> answers) {
    this(args, answers, List.of());
  }

  /** A folder of kitty's user, neither group- nor world-writable. */
  public static FileEvidence folder(String path) {
    return new FileEvidence(path, null, World.KITTY_UID, false, FileEvidence.IS_DIRECTORY, false);
  }

  /** A file of kitty's user holding {@code text}, neither group- nor world-writable. */
  public static FileEvidence file(String path, String text) {
    return new FileEvidence(path, text, World.KITTY_UID, false, null, false);
  }
}
