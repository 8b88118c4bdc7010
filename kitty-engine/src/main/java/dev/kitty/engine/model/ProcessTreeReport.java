package dev.kitty.engine.model;

import dev.kitty.api.ProcessView;
import java.util.List;

/**
 * The process tree around one pid: its ancestors, itself and its descendants, each annotated with
 * the ports it listens on and the family whose range holds them.
 *
 * <p>Stability: experimental.
 *
 * @param pid the pid asked about
 * @param nodes the tree in display order (ancestors from the root down, then the target, then its
 *     descendants depth-first); never null
 */
public record ProcessTreeReport(long pid, List<Node> nodes) {

  /** Copies the list. */
  public ProcessTreeReport {
    nodes = List.copyOf(nodes);
  }

  /**
   * One process of the tree.
   *
   * @param process the process; never null
   * @param depth 0 for the outermost ancestor shown
   * @param target whether it is the pid asked about
   * @param ports the ports it listens on
   * @param families the families whose ranges hold those ports
   */
  public record Node(
      ProcessView process, int depth, boolean target, List<Integer> ports, List<String> families) {
    /** Copies the lists. */
    public Node {
      ports = List.copyOf(ports);
      families = List.copyOf(families);
    }
  }
}
