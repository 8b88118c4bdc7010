package dev.kitty.engine.internal.discovery;

import dev.kitty.api.ProcessView;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The process table where there is no {@code /proc} (macOS, Windows): the JDK's {@link
 * ProcessHandle}. It knows no process groups, sessions, cwd or environment, so those stay unknown;
 * the start instant stands in for the start stamp.
 */
final class ProcessHandleTable implements ProcessTable {

  @Override
  public Map<Long, ProcessNode> nodes() {
    Map<Long, ProcessNode> out = new HashMap<>();
    ProcessHandle.allProcesses().forEach(h -> out.put(h.pid(), toNode(h)));
    return out;
  }

  @Override
  public Optional<ProcessNode> node(long pid) {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessHandleTable::toNode);
  }

  private static ProcessNode toNode(ProcessHandle h) {
    ProcessHandle.Info info = h.info();
    return new ProcessNode(
        h.pid(),
        h.parent().map(ProcessHandle::pid).orElse(0L),
        0,
        info.startInstant().map(Instant::toEpochMilli).orElse(-1L),
        "?",
        info.command().map(ProcessHandleTable::baseName).orElse(""));
  }

  @Override
  public Optional<ProcessView> view(long pid) {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessHandleTable::toView);
  }

  private static ProcessView toView(ProcessHandle h) {
    ProcessHandle.Info info = h.info();
    List<String> args =
        info.command()
            .map(
                c -> {
                  List<String> a = new java.util.ArrayList<>();
                  a.add(c);
                  info.arguments().ifPresent(x -> a.addAll(List.of(x)));
                  return a;
                })
            .orElse(List.of());
    return new ProcessView(
        h.pid(),
        h.parent().map(ProcessHandle::pid).orElse(0L),
        0,
        0,
        -1,
        info.user().orElse(null),
        info.startInstant().map(Instant::toEpochMilli).orElse(-1L),
        info.startInstant().orElse(null),
        info.command().map(ProcessHandleTable::baseName).orElse(""),
        args,
        info.command().orElse(null),
        null,
        -1,
        "?",
        Map.of(),
        false);
  }

  private static String baseName(String path) {
    int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
    return path.substring(slash + 1);
  }

  @Override
  public int currentUid() {
    return -1;
  }
}
