package dev.kitty.shell.command;

import dev.kitty.engine.model.KittyException;
import dev.kitty.engine.model.StopProgress;
import dev.kitty.engine.model.StopReport;
import java.util.List;

/**
 * {@code --stop-on-exit}: when a shell or batch session ends — its last line, Ctrl-D, {@code exit},
 * or SIGTERM (a shutdown hook) — the launches it started are stopped with their family's plan,
 * newest first. Runs at most once however the session ends.
 */
final class SessionLaunches {

  private final Session session;
  private final KittyCommand root;

  SessionLaunches(Session session, KittyCommand root) {
    this.session = session;
    this.root = root;
  }

  void stopAll() {
    List<List<String>> started = session.takeStarted();
    for (int i = started.size() - 1; i >= 0; i--) {
      String family = started.get(i).get(0);
      String name = started.get(i).get(1);
      try {
        StopReport r = root.kitty().stop(family, name, StopProgress.NONE);
        String outcome =
            r.failed().isEmpty() ? "stopped" : "NOT stopped: " + r.failed().getFirst().reason();
        session.err().println("kitty: --stop-on-exit: " + family + " " + name + " " + outcome);
      } catch (KittyException e) {
        session
            .err()
            .println("kitty: --stop-on-exit: " + family + " " + name + ": " + e.getMessage());
      }
      session.err().flush();
    }
  }
}
