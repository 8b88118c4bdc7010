package dev.kitty.engine;

import dev.kitty.api.CleanupClass;
import dev.kitty.api.ListenerView;
import dev.kitty.api.ProcessView;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.discovery.ProcessNode;
import dev.kitty.engine.internal.discovery.ProcessSnapshot;
import dev.kitty.engine.internal.identity.Classifier;
import dev.kitty.engine.internal.registry.FamilyLoader;
import dev.kitty.engine.internal.registry.FamilyRegistry;
import dev.kitty.engine.internal.registry.KittyConfig;
import dev.kitty.engine.internal.state.StateStore;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The engine's facade: everything a front end (the CLI, the shell, a daemon) asks of kitty. One
 * instance per set of options; families are loaded when it is opened, the platform backend is
 * chosen once.
 *
 * <p>Stability: experimental.
 */
public final class Kitty {

  private final KittyOptions options;
  private final Platform platform;
  private final FamilyRegistry registry;

  private Kitty(KittyOptions options, Platform platform, FamilyRegistry registry) {
    this.options = options;
    this.platform = platform;
    this.registry = registry;
  }

  /**
   * Loads the config and the families, and picks the platform backend.
   *
   * @throws KittyException.BadInput when the config file is malformed
   */
  public static Kitty open(KittyOptions options) {
    return open(options, Platform.detect());
  }

  static Kitty open(KittyOptions options, Platform platform) {
    KittyConfig config = KittyConfig.read(options.configFile(), options.configRequired());
    return new Kitty(options, platform, FamilyLoader.load(options.familyPaths(), config));
  }

  /** The options this instance runs with. */
  public KittyOptions options() {
    return options;
  }

  /** The platform backend's name. */
  public String platformName() {
    return platform.name();
  }

  /** The accepted families, built-ins first. */
  public List<FamilyInfo> families() {
    return registry.families();
  }

  /** The refused families, jars and overrides. */
  public List<Rejection> rejected() {
    return registry.rejected();
  }

  /**
   * The families named, in the order given (all, in registry order, when none is named).
   *
   * @throws KittyException.Usage for an unknown id, listing the known ones
   */
  public List<FamilyInfo> select(List<String> ids) {
    if (ids == null || ids.isEmpty()) {
      return families();
    }
    Set<FamilyInfo> out = new LinkedHashSet<>();
    for (String id : ids) {
      Optional<FamilyInfo> f = registry.find(id);
      if (f.isEmpty()) {
        String rejectedNote =
            rejected().stream()
                .filter(r -> id.equals(r.id()))
                .findFirst()
                .map(r -> " (it was rejected: " + r.reason() + ")")
                .orElse("");
        throw new KittyException.Usage(
            "unknown family \"" + id + "\"" + rejectedNote + "; known: "
                + String.join(", ", families().stream().map(FamilyInfo::id).toList()));
      }
      out.add(f.get());
    }
    return List.copyOf(out);
  }

  private Classifier classifier() {
    return new Classifier(
        platform, registry, options.stateDir().toString(), options.probeTimeout(), options.httpTimeout());
  }

  /** Scans the named families (all when none is named). */
  public ScanReport scan(List<String> ids) {
    return classifier().scan(select(ids));
  }

  /** The scan plus records, ghost sockets and remediation. Read-only. */
  public DoctorReport doctor(List<String> ids) {
    List<FamilyInfo> scope = select(ids);
    Classifier classifier = classifier();
    List<ListenerView> listeners = classifier.listenersInRanges();
    ProcessSnapshot snapshot = new ProcessSnapshot(platform.processes());
    ScanReport scan = classifier.classify(scope, listeners, snapshot);
    List<GhostSocket> ghosts = new ArrayList<>();
    for (FamilyInfo f : scope) {
      for (ListenerView l : listeners) {
        if (f.range().contains(l.port()) && l.holderPids().size() > 1) {
          Long owner = snapshot.owner(l.holderPids()).orElse(null);
          ghosts.add(
              new GhostSocket(
                  f.id(), l.port(), l.address(), owner, l.holderPids(),
                  "listening socket held by " + l.holderPids().size() + " processes (inherited by children)"));
        }
      }
    }
    List<String> remediation = new ArrayList<>();
    for (FamilyScan fs : scan.families()) {
      boolean operator =
          fs.candidates().stream()
              .anyMatch(c -> c.needsAction() && c.cleanupClass() == CleanupClass.OPERATOR_REQUIRED);
      boolean auto =
          fs.candidates().stream().anyMatch(c -> c.needsAction() && c.cleanupClass() == CleanupClass.SAFE_AUTO);
      if (operator) {
        remediation.add("kitty doctor " + fs.family().id() + " --reset");
      } else if (auto) {
        remediation.add("kitty cleanup " + fs.family().id());
      }
    }
    return new DoctorReport(
        scan, new StateStore(options.stateDir()).records(), ghosts, List.of(), remediation, platform.name());
  }

  /**
   * The tree around {@code pid}.
   *
   * @throws KittyException.Usage when no such process is visible
   */
  public ProcessTreeReport tree(long pid) {
    ProcessSnapshot snapshot = new ProcessSnapshot(platform.processes());
    if (!snapshot.nodes().containsKey(pid)) {
      throw new KittyException.Usage("no visible process with pid " + pid);
    }
    Map<Long, List<Integer>> ports = new TreeMap<>();
    for (ListenerView l : platform.listeners().listeners(p -> true)) {
      for (long h : l.holderPids()) {
        List<Integer> ps = ports.computeIfAbsent(h, k -> new ArrayList<>());
        if (!ps.contains(l.port())) {
          ps.add(l.port());
        }
      }
    }
    List<ProcessTreeReport.Node> nodes = new ArrayList<>();
    List<ProcessNode> ancestors = new ArrayList<>(snapshot.ancestors(pid));
    java.util.Collections.reverse(ancestors);
    int depth = 0;
    for (ProcessNode a : ancestors) {
      addNode(nodes, snapshot, a.pid(), depth++, false, ports);
    }
    addSubtree(nodes, snapshot, pid, depth, true, ports, new java.util.HashSet<>());
    return new ProcessTreeReport(pid, nodes);
  }

  private void addSubtree(
      List<ProcessTreeReport.Node> nodes, ProcessSnapshot snapshot, long pid, int depth, boolean target,
      Map<Long, List<Integer>> ports, Set<Long> seen) {
    if (!seen.add(pid)) {
      return;
    }
    addNode(nodes, snapshot, pid, depth, target, ports);
    for (ProcessNode child : snapshot.childNodes(pid)) {
      addSubtree(nodes, snapshot, child.pid(), depth + 1, false, ports, seen);
    }
  }

  private void addNode(
      List<ProcessTreeReport.Node> nodes, ProcessSnapshot snapshot, long pid, int depth, boolean target,
      Map<Long, List<Integer>> ports) {
    Optional<ProcessView> view = snapshot.view(pid);
    if (view.isEmpty()) {
      return;
    }
    List<Integer> held = ports.getOrDefault(pid, List.of());
    List<String> families =
        held.stream().flatMap(p -> registry.owning(p).stream()).map(FamilyInfo::id).distinct().toList();
    nodes.add(new ProcessTreeReport.Node(view.get(), depth, target, held, families));
  }
}
