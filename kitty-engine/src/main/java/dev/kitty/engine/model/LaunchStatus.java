package dev.kitty.engine.model;

import dev.kitty.api.ProcessView;
import java.util.List;

/**
 * One named launch as {@code kitty status} shows it: what the registry says and what is alive.
 *
 * <p>Stability: experimental.
 *
 * @param family the family
 * @param name the launch's name
 * @param status what the record says: {@code starting}, {@code running}, {@code stopped}, {@code
 *     failed}
 * @param state what the machine says: {@code running} (main process alive and listening), {@code
 *     unhealthy} (alive, not listening), {@code exited} (meant to run, main process gone), {@code
 *     stopped}, {@code failed}, {@code starting}
 * @param launchId its cookie
 * @param pid its main process on record
 * @param wrapperPid its wrapper on record, or -1
 * @param pgid its group on record
 * @param sid its session on record
 * @param port its port on record
 * @param listening whether a member of it listens on the port
 * @param members every live process of the launch (cookie or session), oldest first
 * @param zombies exited children of members that their parent has not reaped
 * @param startedAt when it was started
 * @param stoppedAt when kitty stopped it, or null
 * @param restarts how often it was restarted
 * @param error why it failed, or null
 * @param command its command words
 * @param log its log file
 */
public record LaunchStatus(
    String family,
    String name,
    String status,
    String state,
    String launchId,
    long pid,
    long wrapperPid,
    long pgid,
    long sid,
    int port,
    boolean listening,
    List<ProcessView> members,
    List<Long> zombies,
    String startedAt,
    String stoppedAt,
    int restarts,
    String error,
    List<String> command,
    String log) {

  /** Copies the lists. */
  public LaunchStatus {
    members = List.copyOf(members);
    zombies = List.copyOf(zombies);
    command = List.copyOf(command);
  }

  /** Whether the launch is not what kitty means it to be: dead, unhealthy, or with leftovers. */
  public boolean needsAttention() {
    return remedy() != null;
  }

  /** The one command that fixes it, or null when nothing needs fixing. */
  public String remedy() {
    return switch (state) {
      case "exited", "unhealthy", "interrupted" -> "kitty ensure " + family + " " + name;
      case "leftovers" -> "kitty stop " + family + " " + name;
      default -> null;
    };
  }
}
