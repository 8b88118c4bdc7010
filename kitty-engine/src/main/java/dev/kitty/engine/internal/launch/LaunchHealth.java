package dev.kitty.engine.internal.launch;

import dev.kitty.api.HttpAnswer;
import dev.kitty.api.ListenerView;
import dev.kitty.api.ProcessView;
import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.http.LoopbackHttp;
import dev.kitty.engine.internal.state.LaunchRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether a launch on record is healthy, and who holds its port: the checks {@code start}, {@code
 * ensure}, {@code status} and {@code stop} share.
 */
final class LaunchHealth {

  private final Platform platform;

  LaunchHealth(Platform platform) {
    this.platform = platform;
  }

  /** Why the launch on record is not healthy, or null when it is. */
  String healthy(LaunchRecord r) {
    var node = platform.processes().node(r.pid());
    if (r.pid() <= 0
        || node.isEmpty()
        || node.get().zombie()
        || node.get().startTicks() != r.startTicks()) {
      return "its main process " + r.pid() + " is gone";
    }
    if (r.port() > 0 && !listeningMember(r)) {
      return "nothing of it listens on port " + r.port();
    }
    if (r.healthPath() != null && r.port() > 0) {
      HttpAnswer a = LoopbackHttp.get("127.0.0.1", r.port(), r.healthPath(), Duration.ofSeconds(1));
      if (a.error() != null) {
        return "health " + r.healthPath() + ": " + a.error();
      }
      if (a.status() / 100 != 2) {
        return "health " + r.healthPath() + " answered HTTP " + a.status();
      }
    }
    return null;
  }

  /** Every live process holding a listening socket on {@code port}. */
  List<ProcessView> portHolders(int port) {
    List<ProcessView> out = new ArrayList<>();
    for (ListenerView l : platform.listeners().listeners(p -> p == port)) {
      for (long h : l.holderPids()) {
        platform.processes().view(h).ifPresent(out::add);
      }
    }
    return out;
  }

  boolean listeningMember(LaunchRecord r) {
    for (ListenerView l : platform.listeners().listeners(p -> p == r.port())) {
      for (long h : l.holderPids()) {
        Optional<ProcessView> v = platform.processes().view(h);
        if (v.isPresent()
            && r.launchId().equals(v.get().cookies().get(ProcessView.LAUNCH_COOKIE))) {
          return true;
        }
      }
    }
    return false;
  }

  /** Who holds {@code port}, for an error message. */
  String holders(int port) {
    List<String> out = new ArrayList<>();
    for (ListenerView l : platform.listeners().listeners(p -> p == port)) {
      for (long h : l.holderPids()) {
        out.add(
            "pid "
                + h
                + platform.processes().view(h).map(v -> " (" + v.commandLine() + ")").orElse(""));
      }
    }
    return out.isEmpty() ? "a process kitty cannot see" : String.join(", ", out);
  }
}
