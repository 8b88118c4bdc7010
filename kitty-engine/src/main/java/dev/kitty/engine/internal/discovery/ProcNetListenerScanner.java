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

  /**
   * Listening sockets seen so far, by inode. A socket's local address is fixed at bind and a
   * listening socket never stops listening (it can only close), so an entry never goes stale; this
   * spares the gate a read of /proc/net/tcp — a walk of the kernel's whole socket hash, hundreds of
   * microseconds — before every signal.
   */
  private final Map<Long, SocketEntry> knownListening =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** When the last read of the socket tables began ({@link System#nanoTime()}). */
  private volatile long lastRefresh = System.nanoTime() - Long.MAX_VALUE / 2;

  /**
   * A process's socket inodes, valid while its /proc entry is the same inode (a new process with a
   * reused pid gets a new one) and its fd count is unchanged. Linux 6.2+ reports the fd count as
   * the size of /proc/PID/fd, so a warm scan (the shell, watch) costs two stats per process instead
   * of a readlink per open file. Where the kernel reports no count, nothing is cached.
   */
  private record FdTable(long procInode, long fdCount, long[] sockets) {}

  private final Map<Long, FdTable> fdTables = new java.util.concurrent.ConcurrentHashMap<>();
  private final boolean fdCountsVisible;

  /**
   * Whether listeners come from netlink sock_diag (ADR 36): on the real /proc until it fails once,
   * then from /proc/net/tcp{,6} for the life of this scanner, saying why in {@link #source()}.
   * Fixture folders (tests) are read as files.
   */
  private volatile boolean netlink;

  private volatile String source;

  ProcNetListenerScanner(ProcFs fs) {
    this(fs, fs.root().equals(java.nio.file.Path.of("/proc")));
  }

  ProcNetListenerScanner(ProcFs fs, boolean netlink) {
    this.fs = fs;
    this.netlink = netlink;
    this.source = netlink ? "netlink sock_diag" : "/proc/net/tcp";
    this.fdCountsVisible =
        fs.root().equals(java.nio.file.Path.of("/proc"))
            && fs.fdCount(fs.root().resolve("self")) > 0;
  }

  @Override
  public List<ListenerView> sockets(IntPredicate ports) {
    List<ListenerView> out = new ArrayList<>();
    for (SocketEntry e : listening(ports).values()) {
      out.add(new ListenerView(e.address(), e.port(), e.ipv6(), e.inode(), List.of()));
    }
    return out;
  }

  @Override
  public List<ListenerView> heldBy(long pid) {
    return heldBy(pid, System.nanoTime());
  }

  @Override
  public List<ListenerView> heldBy(long pid, long tablesReadSince) {
    List<Long> inodes = new ArrayList<>();
    for (String target : fs.fdTargets(pid)) {
      long inode = socketInode(target);
      if (inode >= 0 && !inodes.contains(inode)) {
        inodes.add(inode);
      }
    }
    // A socket inode not known as listening may have started listening since the tables were
    // last read: read them again unless that was within this decision (ADR 12 addendum: the gate
    // sees every listener a target holds at the moment it decides, in any family's range).
    if (lastRefresh - tablesReadSince < 0) {
      for (long i : inodes) {
        if (!knownListening.containsKey(i)) {
          listening(p -> true);
          break;
        }
      }
    }
    List<ListenerView> out = new ArrayList<>();
    for (long inode : inodes) {
      SocketEntry e = knownListening.get(inode);
      if (e != null) {
        out.add(new ListenerView(e.address(), e.port(), e.ipv6(), e.inode(), List.of(pid)));
      }
    }
    return out;
  }

  private static long socketInode(String target) {
    if (target.startsWith("socket:[") && target.endsWith("]")) {
      try {
        return Long.parseLong(target.substring(8, target.length() - 1));
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return -1;
  }

  @Override
  public String source() {
    return source;
  }

  private Map<Long, SocketEntry> listening(IntPredicate ports) {
    long began = System.nanoTime();
    Map<Long, SocketEntry> byInode = new LinkedHashMap<>();
    for (SocketEntry e : listeningSockets()) {
      // inode 0 is a socket in teardown: nothing can hold it any more. Every listener is
      // remembered, in or out of the ports asked for: the gate asks about all of them.
      if (e.listening() && e.inode() != 0) {
        knownListening.putIfAbsent(e.inode(), e);
        if (ports.test(e.port())) {
          byInode.putIfAbsent(e.inode(), e);
        }
      }
    }
    lastRefresh = began;
    return byInode;
  }

  /** Every listening TCP socket: from netlink while it answers, else from /proc (ADR 36). */
  private List<SocketEntry> listeningSockets() {
    if (netlink) {
      var asked = dev.kitty.engine.internal.os.LinuxSockDiag.tcpListeners();
      if (asked.isPresent()) {
        List<SocketEntry> out = new ArrayList<>(asked.get().size());
        for (var l : asked.get()) {
          String address =
              l.ipv6() ? Ipv6Text.format(l.address()) : ProcNetTcpParser.dotted(l.address());
          out.add(
              new SocketEntry(address, l.port(), l.ipv6(), SocketEntry.LISTEN, l.uid(), l.inode()));
        }
        return out;
      }
      netlink = false;
      source = "/proc/net/tcp (netlink sock_diag did not answer)";
    }
    List<SocketEntry> out = new ArrayList<>();
    for (boolean v6 : new boolean[] {false, true}) {
      String file = v6 ? "net/tcp6" : "net/tcp";
      out.addAll(ProcNetTcpParser.parse(fs.text(fs.root().resolve(file)).orElse(""), v6, true));
    }
    return out;
  }

  @Override
  public List<ListenerView> listeners(IntPredicate ports) {
    Map<Long, SocketEntry> byInode = listening(ports);
    if (byInode.isEmpty()) {
      return List.of();
    }
    Map<Long, List<Long>> holders = holders(byInode.keySet(), true);
    if (fdCountsVisible && !holders.keySet().containsAll(byInode.keySet())) {
      // A listener nobody holds per the cached tables may be new in a process whose fd count did
      // not change (it closed one file and opened the socket): read every table afresh.
      holders = holders(byInode.keySet(), false);
    }
    List<ListenerView> out = new ArrayList<>();
    for (SocketEntry e : byInode.values()) {
      out.add(
          new ListenerView(
              e.address(),
              e.port(),
              e.ipv6(),
              e.inode(),
              holders.getOrDefault(e.inode(), List.of())));
    }
    return out;
  }

  /**
   * Which pids hold which of {@code inodes}. Every process's fd table is read: most of a scan's
   * time is the kernel answering these readlinks, so the walk is split across the cores.
   */
  private Map<Long, List<Long>> holders(java.util.Set<Long> inodes, boolean useCache) {
    List<Long> pids = fs.pids();
    fdTables.keySet().retainAll(new java.util.HashSet<>(pids));
    int workers = Math.clamp(Runtime.getRuntime().availableProcessors(), 1, 8);
    if (workers == 1 || pids.size() < 64) {
      return holders(pids, inodes, useCache);
    }
    List<java.util.concurrent.Future<Map<Long, List<Long>>>> parts = new ArrayList<>();
    try (var pool =
        java.util.concurrent.Executors.newFixedThreadPool(
            workers, Thread.ofPlatform().daemon().name("kitty-fd-walk").factory())) {
      int slice = (pids.size() + workers - 1) / workers;
      for (int i = 0; i < pids.size(); i += slice) {
        List<Long> part = pids.subList(i, Math.min(pids.size(), i + slice));
        parts.add(pool.submit(() -> holders(part, inodes, useCache)));
      }
      Map<Long, List<Long>> out = new HashMap<>();
      for (var f : parts) {
        f.get()
            .forEach((inode, ps) -> out.computeIfAbsent(inode, k -> new ArrayList<>()).addAll(ps));
      }
      out.values().forEach(ps -> ps.sort(null));
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("listener scan interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("listener scan failed: " + e.getCause(), e.getCause());
    }
  }

  private Map<Long, List<Long>> holders(
      List<Long> pids, java.util.Set<Long> inodes, boolean useCache) {
    Map<Long, List<Long>> out = new HashMap<>();
    for (long pid : pids) {
      for (long inode : sockets(pid, useCache)) {
        if (inodes.contains(inode)) {
          List<Long> holders = out.computeIfAbsent(inode, k -> new ArrayList<>());
          if (!holders.contains(pid)) {
            holders.add(pid);
          }
        }
      }
    }
    return out;
  }

  private long[] sockets(long pid, boolean useCache) {
    if (!fdCountsVisible) {
      return readSockets(pid);
    }
    long ino = fs.inode(fs.pidDir(pid));
    long count = fs.fdCount(fs.pidDir(pid));
    if (count == 0) {
      // No open file (a kernel thread, a process closing down): nothing to read. The walk cannot
      // stop early once every listener has a holder: ghost sockets and the other-family rule need
      // every holder of each socket, so skipping what holds nothing is the saving there is.
      return new long[0];
    }
    FdTable cached = fdTables.get(pid);
    if (useCache
        && cached != null
        && ino > 0
        && cached.procInode() == ino
        && cached.fdCount() == count) {
      return cached.sockets();
    }
    long[] sockets = readSockets(pid);
    if (ino > 0 && count >= 0) {
      fdTables.put(pid, new FdTable(ino, count, sockets));
    }
    return sockets;
  }

  private long[] readSockets(long pid) {
    return fs.fdTargets(pid).stream()
        .mapToLong(ProcNetListenerScanner::socketInode)
        .filter(i -> i >= 0)
        .toArray();
  }
}
