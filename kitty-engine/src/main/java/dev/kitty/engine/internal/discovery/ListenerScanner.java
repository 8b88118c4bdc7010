package dev.kitty.engine.internal.discovery;

import dev.kitty.api.ListenerView;
import java.util.List;
import java.util.function.IntPredicate;

/** Finds listening TCP sockets (IPv4 and IPv6) and every process that holds each one. */
public interface ListenerScanner {

  /**
   * The listening sockets whose port passes {@code ports}, with their holders.
   *
   * @param ports which ports to report; holders are looked up only for those
   */
  List<ListenerView> listeners(IntPredicate ports);

  /** Where the listening sockets come from, as {@code doctor} says it. */
  default String source() {
    return "the platform's listing tool (lsof, netstat)";
  }

  /**
   * The listening sockets on {@code ports}, without looking for their holders: cheap enough to poll
   * while waiting for ports to be freed.
   */
  default List<ListenerView> sockets(IntPredicate ports) {
    return listeners(ports);
  }

  /**
   * The listening sockets {@code pid} holds now. The signal gate asks this before every signal, so
   * backends that can answer it without a whole-machine walk should.
   */
  default List<ListenerView> heldBy(long pid) {
    return listeners(p -> true).stream().filter(l -> l.holderPids().contains(pid)).toList();
  }

  /**
   * As {@link #heldBy(long)}, where the socket tables need not be read again if they were read at
   * or after {@code tablesReadSince} ({@link System#nanoTime()}): one decision of the gate over
   * many targets reads them once, and never relies on a read from before it began.
   */
  default List<ListenerView> heldBy(long pid, long tablesReadSince) {
    return heldBy(pid);
  }
}
