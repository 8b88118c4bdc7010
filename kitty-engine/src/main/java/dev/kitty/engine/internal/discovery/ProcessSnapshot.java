package dev.kitty.engine.internal.discovery;

import dev.kitty.api.ProcessView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One scan's view of the process table: the whole-table node list is read once, on first need; full
 * views are read per pid, once, and shared by every probe of the scan.
 */
public final class ProcessSnapshot {

  private final ProcessTable table;
  private volatile Map<Long, ProcessNode> nodes;
  private final Map<Long, Optional<ProcessView>> views = new ConcurrentHashMap<>();

  /** A snapshot reading from {@code table}. */
  public ProcessSnapshot(ProcessTable table) {
    this.table = table;
  }

  /** Every process's light facts. */
  public Map<Long, ProcessNode> nodes() {
    Map<Long, ProcessNode> n = nodes;
    if (n == null) {
      synchronized (this) {
        if (nodes == null) {
          nodes = Map.copyOf(table.nodes());
        }
        n = nodes;
      }
    }
    return n;
  }

  /** The full view of {@code pid}, read once. */
  public Optional<ProcessView> view(long pid) {
    return views.computeIfAbsent(pid, table::view);
  }

  /**
   * The children of {@code pid} that started after it (a child older than its parent is a reused
   * pid's).
   */
  public List<ProcessNode> childNodes(long pid) {
    ProcessNode parent = nodes().get(pid);
    List<ProcessNode> out = new ArrayList<>();
    for (ProcessNode n : nodes().values()) {
      if (n.ppid() == pid
          && n.pid() != pid
          && (parent == null || n.startTicks() >= parent.startTicks())) {
        out.add(n);
      }
    }
    out.sort(Comparator.comparingLong(ProcessNode::pid));
    return out;
  }

  /** The full views of {@link #childNodes}. */
  public List<ProcessView> children(long pid) {
    List<ProcessView> out = new ArrayList<>();
    for (ProcessNode n : childNodes(pid)) {
      view(n.pid()).ifPresent(out::add);
    }
    return out;
  }

  /** {@code pid}'s ancestors, nearest first, stopping at a cycle or an unknown parent. */
  public List<ProcessNode> ancestors(long pid) {
    List<ProcessNode> out = new ArrayList<>();
    ProcessNode n = nodes().get(pid);
    java.util.Set<Long> seen = new java.util.HashSet<>();
    seen.add(pid);
    while (n != null && n.ppid() > 0 && seen.add(n.ppid())) {
      ProcessNode p = nodes().get(n.ppid());
      if (p == null) {
        break;
      }
      out.add(p);
      n = p;
    }
    return out;
  }

  /**
   * The holder that owns a shared socket: the one none of whose ancestors also holds it; among
   * several such, the oldest. Empty when there are no holders.
   */
  public Optional<Long> owner(List<Long> holders) {
    if (holders.size() <= 1) {
      return holders.stream().findFirst();
    }
    List<Long> roots = new ArrayList<>();
    for (long h : holders) {
      boolean ancestorHolds = ancestors(h).stream().anyMatch(a -> holders.contains(a.pid()));
      if (!ancestorHolds) {
        roots.add(h);
      }
    }
    List<Long> pool = roots.isEmpty() ? holders : roots;
    return pool.stream()
        .min(
            Comparator.<Long>comparingLong(
                    p -> {
                      ProcessNode n = nodes().get(p);
                      return n == null || n.startTicks() < 0 ? Long.MAX_VALUE : n.startTicks();
                    })
                .thenComparingLong(p -> p));
  }
}
