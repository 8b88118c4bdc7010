package dev.kitty.engine.model;

import dev.kitty.api.ProcessView;
import java.util.List;

/**
 * What {@code kitty up}, {@code down} or {@code ps} did to, or found of, one dev stack.
 *
 * <p>Stability: experimental.
 *
 * @param stack the stack's id (a digest of its file's absolute path)
 * @param file the stack file
 * @param services its services, in start order
 * @param survivors after {@code down}: every process still carrying the stack's cookie (should be
 *     none)
 * @param stopped after {@code down} (or a failed {@code up}): what was stopped, skipped, failed
 * @param notes things the operator should know (a changed command, an unreadable record)
 */
public record StackReport(
    String stack,
    String file,
    List<Service> services,
    List<ProcessView> survivors,
    StopReport stopped,
    List<String> notes) {

  /** Copies the lists. */
  public StackReport {
    services = List.copyOf(services);
    survivors = List.copyOf(survivors);
    notes = List.copyOf(notes);
  }

  /**
   * One service.
   *
   * @param name its name in the stack file
   * @param launch its launch name ({@code STACK.NAME}, as {@code kitty status devstack} shows it)
   * @param state {@code started} or {@code reused} (up); {@code stopped}, {@code failed} or {@code
   *     not running} (down); as {@link LaunchStatus#state()} (ps)
   * @param pid its main process, or -1
   * @param pgid its process group, or -1
   * @param port its port, or 0
   * @param log its output
   * @param members every live process of it (cookie or session), oldest first
   * @param rssBytes their resident memory together
   * @param cpuPercent their CPU time since each started, as a share of one core (what {@code ps}
   *     shows as %CPU), summed
   * @param millis how long its start or stop took
   * @param error why it failed, or null
   * @param usage what the kernel counts for its cgroup (ps, ADR 30); {@link CgroupUsage#UNKNOWN}
   *     elsewhere
   */
  public record Service(
      String name,
      String launch,
      String state,
      long pid,
      long pgid,
      int port,
      String log,
      List<ProcessView> members,
      long rssBytes,
      double cpuPercent,
      long millis,
      String error,
      CgroupUsage usage) {

    /** A service without cgroup counts. */
    public Service(
        String name,
        String launch,
        String state,
        long pid,
        long pgid,
        int port,
        String log,
        List<ProcessView> members,
        long rssBytes,
        double cpuPercent,
        long millis,
        String error) {
      this(
          name,
          launch,
          state,
          pid,
          pgid,
          port,
          log,
          members,
          rssBytes,
          cpuPercent,
          millis,
          error,
          CgroupUsage.UNKNOWN);
    }

    /** Copies the members. */
    public Service {
      members = List.copyOf(members);
      usage = usage == null ? CgroupUsage.UNKNOWN : usage;
    }
  }

  /** Every live process of the stack. */
  public int processes() {
    return services.stream().mapToInt(s -> s.members().size()).sum();
  }

  /** The resident memory of the whole stack. */
  public long rssBytes() {
    return services.stream().mapToLong(Service::rssBytes).sum();
  }
}
