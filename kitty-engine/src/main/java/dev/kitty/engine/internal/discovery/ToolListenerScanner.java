package dev.kitty.engine.internal.discovery;

import dev.kitty.api.ListenerView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

/**
 * A listener scanner for platforms without {@code /proc}: runs the platform's tool and groups its
 * (socket, pid) rows into listeners. A socket held by several processes appears once with all of
 * them as holders.
 */
abstract class ToolListenerScanner implements ListenerScanner {

  private static final long TIMEOUT_SECONDS = 10;

  abstract List<String> command();

  abstract List<ListenEntry> parse(String output);

  @Override
  public List<ListenerView> listeners(IntPredicate ports) {
    return group(parse(run()), ports);
  }

  static List<ListenerView> group(List<ListenEntry> entries, IntPredicate ports) {
    Map<String, List<ListenEntry>> bySocket = new LinkedHashMap<>();
    for (ListenEntry e : entries) {
      if (ports.test(e.port())) {
        bySocket.computeIfAbsent(e.address() + "|" + e.port(), k -> new ArrayList<>()).add(e);
      }
    }
    List<ListenerView> out = new ArrayList<>();
    for (List<ListenEntry> group : bySocket.values()) {
      ListenEntry first = group.getFirst();
      List<Long> pids = group.stream().map(ListenEntry::pid).filter(p -> p > 0).toList();
      out.add(new ListenerView(first.address(), first.port(), first.ipv6(), 0, pids));
    }
    return out;
  }

  private String run() {
    try {
      Process p = new ProcessBuilder(command()).redirectErrorStream(false).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(
          command().getFirst() + " could not be run: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(command().getFirst() + " was interrupted", e);
    }
  }
}
