package dev.kitty.engine.internal.discovery;

import dev.kitty.api.ListenerView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * Listeners from {@code /proc/net/tcp{,6}}, holders from the {@code socket:[inode]} links under
 * {@code /proc/PID/fd}. Every holder is found, not only the first: an inherited socket is held by
 * several processes, and that is exactly the ghost-socket case kitty must see.
 */
final class ProcNetListenerScanner implements ListenerScanner {

  private final ProcFs fs;

  ProcNetListenerScanner(ProcFs fs) {
    this.fs = fs;
  }

  @Override
  public List<ListenerView> listeners(IntPredicate ports) {
    Map<Long, SocketEntry> byInode = new LinkedHashMap<>();
    for (boolean v6 : new boolean[] {false, true}) {
      String file = v6 ? "net/tcp6" : "net/tcp";
      String content = fs.text(fs.root().resolve(file)).orElse("");
      for (SocketEntry e : ProcNetTcpParser.parse(content, v6)) {
        // inode 0 is a socket in teardown: nothing can hold it any more.
        if (e.listening() && e.inode() != 0 && ports.test(e.port())) {
          byInode.putIfAbsent(e.inode(), e);
        }
      }
    }
    if (byInode.isEmpty()) {
      return List.of();
    }
    Map<Long, List<Long>> holders = holders(byInode.keySet());
    List<ListenerView> out = new ArrayList<>();
    for (SocketEntry e : byInode.values()) {
      out.add(
          new ListenerView(
              e.address(), e.port(), e.ipv6(), e.inode(), holders.getOrDefault(e.inode(), List.of())));
    }
    return out;
  }

  private Map<Long, List<Long>> holders(java.util.Set<Long> inodes) {
    Map<Long, List<Long>> out = new HashMap<>();
    for (long pid : fs.pids()) {
      for (String target : fs.fdTargets(pid)) {
        if (target.startsWith("socket:[") && target.endsWith("]")) {
          long inode;
          try {
            inode = Long.parseLong(target.substring(8, target.length() - 1));
          } catch (NumberFormatException e) {
            continue;
          }
          if (inodes.contains(inode)) {
            List<Long> pids = out.computeIfAbsent(inode, k -> new ArrayList<>());
            if (!pids.contains(pid)) {
              pids.add(pid);
            }
          }
        }
      }
    }
    return out;
  }
}
