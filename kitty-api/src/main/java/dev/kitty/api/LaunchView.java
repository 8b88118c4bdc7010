package dev.kitty.api;

/**
 * What kitty's process registry says about one launch, as a probe may see it: a process carrying
 * this launch's cookie is the family's own, and whether kitty still means it to run decides between
 * the live daemon on record and a stale one.
 *
 * <p>Stability: experimental.
 *
 * @param family the family that launched it
 * @param name the launch's name
 * @param launchId its cookie
 * @param meantToRun whether kitty means it to be alive (not stopped, not failed)
 * @param notBeforeTicks no member of it started before this stamp
 * @param pid its main process on record, or -1
 * @param port its port on record, or 0
 * @param stoppedAt when kitty stopped it (or its start failed); null while it is meant to run or
 *     when unknown
 * @since 0.1
 */
public record LaunchView(
    String family,
    String name,
    String launchId,
    boolean meantToRun,
    long notBeforeTicks,
    long pid,
    int port,
    java.time.Instant stoppedAt) {

  /**
   * A launch view without a stop time.
   *
   * @since 0.1
   */
  public LaunchView(
      String family,
      String name,
      String launchId,
      boolean meantToRun,
      long notBeforeTicks,
      long pid,
      int port) {
    this(family, name, launchId, meantToRun, notBeforeTicks, pid, port, null);
  }
}
