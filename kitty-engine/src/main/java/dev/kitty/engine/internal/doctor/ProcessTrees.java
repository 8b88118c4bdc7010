package dev.kitty.engine.internal.doctor;

import dev.kitty.api.ListenerView;
import dev.kitty.api.ProcessView;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.discovery.ProcessNode;
import dev.kitty.engine.internal.discovery.ProcessSnapshot;
import dev.kitty.engine.internal.registry.FamilyRegistry;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.KittyException;
import dev.kitty.engine.model.ProcessTreeReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code kitty tree PID}: the process with its ancestors and descendants and the ports each holds.
 */
public final class ProcessTrees {

  private final Platform platform;
  private final FamilyRegistry registry;

  /** Trees over one platform; a port's family is named by {@code registry}. */
  public ProcessTrees(Platform platform, FamilyRegistry registry) {
    this.platform = platform;
    this.registry = registry;
  }

  /**
   * The tree around {@code pid}.
   *
   * @throws KittyException.Usage when no such process is visible
   */
  public ProcessTreeReport tree(long pid) {
    return tree(pid, false);
  }

  /**
   * As {@link #tree(long)}; {@code ownSessionOnly} shows only the ancestors in the process's own
   * session — a launch's shell wrapper, which kitty made the session leader — and not whatever
   * adopted the daemon (init, a container's first process): the doctor draws a recorded daemon's
   * tree, where those are noise.
   */
  public ProcessTreeReport tree(long pid, boolean ownSessionOnly) {
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
    if (ownSessionOnly) {
      long sid = snapshot.view(pid).map(ProcessView::sid).orElse(-1L);
      int kept = 0;
      while (kept < ancestors.size()
          && sid > 0
          && snapshot.view(ancestors.get(kept).pid()).map(ProcessView::sid).orElse(-2L) == sid) {
        kept++;
      }
      ancestors = new ArrayList<>(ancestors.subList(0, kept));
    }
    java.util.Collections.reverse(ancestors);
    int depth = 0;
    for (ProcessNode a : ancestors) {
      addNode(nodes, snapshot, a.pid(), depth++, false, ports);
    }
    addSubtree(nodes, snapshot, pid, depth, true, ports, new java.util.HashSet<>());
    return new ProcessTreeReport(pid, nodes);
  }

  private void addSubtree(
      List<ProcessTreeReport.Node> nodes,
      ProcessSnapshot snapshot,
      long pid,
      int depth,
      boolean target,
      Map<Long, List<Integer>> ports,
      Set<Long> seen) {
    if (!seen.add(pid)) {
      return;
    }
    addNode(nodes, snapshot, pid, depth, target, ports);
    for (ProcessNode child : snapshot.childNodes(pid)) {
      addSubtree(nodes, snapshot, child.pid(), depth + 1, false, ports, seen);
    }
  }

  private void addNode(
      List<ProcessTreeReport.Node> nodes,
      ProcessSnapshot snapshot,
      long pid,
      int depth,
      boolean target,
      Map<Long, List<Integer>> ports) {
    Optional<ProcessView> view = snapshot.view(pid);
    if (view.isEmpty()) {
      return;
    }
    List<Integer> held = ports.getOrDefault(pid, List.of());
    List<String> families =
        held.stream()
            .flatMap(p -> registry.owning(p).stream())
            .map(FamilyInfo::id)
            .distinct()
            .toList();
    nodes.add(new ProcessTreeReport.Node(view.get(), depth, target, held, families));
  }
}
