package dev.kitty.engine.internal.doctor;

import dev.kitty.api.CleanupClass;
import dev.kitty.api.ListenerView;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.discovery.ProcessNode;
import dev.kitty.engine.internal.discovery.ProcessSnapshot;
import dev.kitty.engine.internal.identity.Classifier;
import dev.kitty.engine.internal.launch.Launches;
import dev.kitty.engine.internal.registry.FamilySelector;
import dev.kitty.engine.internal.signal.Gates;
import dev.kitty.engine.internal.state.StateStore;
import dev.kitty.engine.internal.sweep.OrphanCells;
import dev.kitty.engine.internal.watch.RunawayWatch;
import dev.kitty.engine.model.DoctorReport;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.FamilyScan;
import dev.kitty.engine.model.GhostSocket;
import dev.kitty.engine.model.KittyException;
import dev.kitty.engine.model.LaunchStatus;
import dev.kitty.engine.model.OrphanCell;
import dev.kitty.engine.model.ProcessTreeReport;
import dev.kitty.engine.model.RunawayFinding;
import dev.kitty.engine.model.ScanReport;
import dev.kitty.engine.model.StopProgress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code kitty doctor} and {@code kitty ghosts}: the scan plus the records, ghost sockets, runaway
 * findings, launches and the one command that fixes each finding. Read-only.
 */
public final class Doctor {

  private final FamilySelector families;
  private final Platform platform;
  private final StateStore store;
  private final Supplier<Classifier> classifiers;
  private final Gates gates;
  private final RunawayWatch watch;
  private final Launches launches;
  private final ProcessTrees processTrees;

  /** A doctor over one platform and state dir. */
  public Doctor(
      FamilySelector families,
      Platform platform,
      StateStore store,
      Supplier<Classifier> classifiers,
      Gates gates,
      RunawayWatch watch,
      Launches launches,
      ProcessTrees processTrees) {
    this.families = families;
    this.platform = platform;
    this.store = store;
    this.classifiers = classifiers;
    this.gates = gates;
    this.watch = watch;
    this.launches = launches;
    this.processTrees = processTrees;
  }

  /** The scan plus records, ghost sockets and remediation. Read-only. */
  public DoctorReport doctor(List<String> ids) {
    List<FamilyInfo> scope = families.select(ids);
    Classifier classifier = classifiers.get();
    List<ListenerView> listeners = classifier.listenersInRanges();
    ProcessSnapshot snapshot = new ProcessSnapshot(platform.processes());
    ScanReport scan = classifier.classify(scope, listeners, snapshot);
    // The project kitty runs in: what its families' record files there say (a stale
    // .kittify/.dashboard whose pid is now an unrelated process, for one) is reported, never acted
    // on (ADR 26).
    Path here = Path.of("").toAbsolutePath();
    if (Files.isDirectory(here.resolve(".kittify"))) {
      List<String> warnings = new ArrayList<>(scan.warnings());
      for (FamilyInfo f : scope) {
        if (f.family().launchSpec().isPresent()) {
          warnings.addAll(
              dev.kitty.engine.internal.identity.DisabledFamilies.recordNotes(
                  f.id(), f.family(), here.toString()));
        }
      }
      scan = new ScanReport(scan.families(), warnings);
    }
    List<GhostSocket> ghosts = ghosts(snapshot, scan);
    List<String> remediation = new ArrayList<>();
    for (FamilyScan fs : scan.families()) {
      boolean operator =
          fs.candidates().stream()
              .anyMatch(c -> c.needsAction() && c.cleanupClass() == CleanupClass.OPERATOR_REQUIRED);
      boolean auto =
          fs.candidates().stream()
              .anyMatch(c -> c.needsAction() && c.cleanupClass() == CleanupClass.SAFE_AUTO);
      if (operator) {
        remediation.add("kitty doctor " + fs.family().id() + " --reset");
      } else if (auto) {
        remediation.add("kitty cleanup " + fs.family().id());
      }
    }
    List<String> runaway = new ArrayList<>();
    for (RunawayFinding f : watch.check(ids, false, false, StopProgress.NONE)) {
      runaway.add(
          f.family()
              + ": "
              + String.join(", ", f.fired())
              + " in its launches"
              + (f.unattributed().isEmpty()
                  ? ""
                  : " (" + f.unattributed().size() + " more claim the family without a launch)"));
      remediation.add("kitty watch " + f.family() + " --once --auto-clean");
    }
    List<String> launchWarnings = new ArrayList<>();
    List<LaunchStatus> launched = launches.status(ids, launchWarnings);
    launched.stream().map(LaunchStatus::remedy).filter(Objects::nonNull).forEach(remediation::add);
    java.util.Set<String> named = new java.util.HashSet<>();
    scope.forEach(f -> named.add(f.id()));
    List<OrphanCell> orphans = new ArrayList<>();
    for (OrphanCells.Found f : new OrphanCells(platform, store).find(named, ids.isEmpty())) {
      orphans.add(f.view());
      String fix =
          f.view().cleanupClass() == CleanupClass.SAFE_AUTO
              ? "kitty cleanup " + f.view().family()
              : f.view().family() == null
                  ? "kitty doctor --reset"
                  : "kitty doctor " + f.view().family() + " --reset";
      if (!remediation.contains(fix)) {
        remediation.add(fix);
      }
    }
    List<ProcessTreeReport> trees = new ArrayList<>();
    scan.candidates()
        .filter(c -> c.identity().recorded() && c.pid() != null)
        .forEach(
            c -> {
              try {
                trees.add(processTrees.tree(c.pid(), true));
              } catch (KittyException.Usage goneSinceTheScan) {
                // Nothing to draw.
              }
            });
    return new DoctorReport(
        scan,
        store.records(),
        ghosts,
        runaway,
        remediation,
        platform.name() + "; listeners from " + platform.listeners().source(),
        gates.signallerName(),
        platform.containment().describe(),
        trees,
        launched,
        orphans);
  }

  /** Ghost sockets in the named families' ranges: listening sockets held by several processes. */
  public List<GhostSocket> ghosts(List<String> ids) {
    List<FamilyInfo> scope = families.select(ids);
    Classifier classifier = classifiers.get();
    ProcessSnapshot snapshot = new ProcessSnapshot(platform.processes());
    return ghosts(snapshot, classifier.classify(scope, classifier.listenersInRanges(), snapshot));
  }

  /**
   * Two kinds: a socket held by several processes (children inherited it), and a socket still
   * listening although the owner its family has on record ({@code recorded_pid}) is gone.
   */
  private static List<GhostSocket> ghosts(ProcessSnapshot snapshot, ScanReport scan) {
    List<GhostSocket> ghosts = new ArrayList<>();
    scan.candidates()
        .forEach(
            c -> {
              List<Long> holders = c.listener().holderPids();
              if (holders.size() > 1) {
                Long owner = snapshot.owner(holders).orElse(null);
                List<Long> inheritors = holders.stream().filter(p -> !p.equals(owner)).toList();
                ghosts.add(
                    new GhostSocket(
                        c.daemonFamily(),
                        c.port(),
                        c.listener().address(),
                        owner,
                        holders,
                        "listening socket held by "
                            + holders.size()
                            + " processes: owner "
                            + owner
                            + ", inherited by "
                            + inheritors));
              } else if (c.identity().recordedPid().isPresent()
                  && !holders.contains(c.identity().recordedPid().getAsLong())
                  && gone(snapshot, c.identity().recordedPid().getAsLong())) {
                ghosts.add(
                    new GhostSocket(
                        c.daemonFamily(),
                        c.port(),
                        c.listener().address(),
                        c.identity().recordedPid().getAsLong(),
                        holders,
                        "recorded owner pid "
                            + c.identity().recordedPid().getAsLong()
                            + " is gone, yet the port still listens, held by "
                            + holders));
              }
            });
    return ghosts;
  }

  /** A zombie is gone too: it holds no socket and only waits for its parent to reap it. */
  private static boolean gone(ProcessSnapshot snapshot, long pid) {
    ProcessNode n = snapshot.nodes().get(pid);
    return n == null || n.zombie();
  }
}
