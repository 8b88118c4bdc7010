package dev.kitty.engine.model;

import java.util.List;

/**
 * What {@code kitty doctor} found: the scan, kitty's records, ghost sockets, runaway findings and
 * one fixing command per family with candidates that need an operator.
 *
 * <p>Stability: experimental.
 *
 * @param scan the scan of the named families
 * @param records the records in the state directory
 * @param ghosts ghost sockets in the scanned ranges
 * @param runaway runaway findings (one line each)
 * @param remediation commands that fix what needs action, one per family
 * @param platform the platform backend in use
 * @param containment where launches are kept (a cgroup per launch, or session and cookie only), and
 *     why
 * @param signaller how signals are delivered (pidfd through FFM, or the ProcessHandle fallback)
 * @param trees the process tree of every recorded live daemon in the scan
 * @param launches the named launches on record of the scanned families (ADR 19)
 * @param orphanCells kitty's cgroups that hold processes no running launch owns (ADR 31)
 */
public record DoctorReport(
    ScanReport scan,
    List<StateRecord> records,
    List<GhostSocket> ghosts,
    List<String> runaway,
    List<String> remediation,
    String platform,
    String signaller,
    String containment,
    List<ProcessTreeReport> trees,
    List<LaunchStatus> launches,
    List<OrphanCell> orphanCells) {

  /** Copies the lists. */
  public DoctorReport {
    records = List.copyOf(records);
    ghosts = List.copyOf(ghosts);
    runaway = List.copyOf(runaway);
    remediation = List.copyOf(remediation);
    trees = List.copyOf(trees);
    launches = List.copyOf(launches);
    orphanCells = List.copyOf(orphanCells);
  }

  /** Whether anything needs action: doctor then exits 3. */
  public boolean needsAction() {
    return scan.candidates().anyMatch(Candidate::needsAction)
        || !ghosts.isEmpty()
        || !runaway.isEmpty()
        || records.stream().anyMatch(r -> r.error() != null)
        || launches.stream().anyMatch(LaunchStatus::needsAttention)
        || !orphanCells.isEmpty();
  }
}
