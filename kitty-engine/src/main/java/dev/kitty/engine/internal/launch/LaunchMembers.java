package dev.kitty.engine.internal.launch;

import dev.kitty.api.ProcessView;
import dev.kitty.engine.internal.discovery.ProcessNode;
import dev.kitty.engine.internal.discovery.ProcessTable;
import dev.kitty.engine.internal.state.LaunchRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The processes of one launch: those that carry its cookie ({@code KITTY_LAUNCH_ID}, inherited by
 * every descendant, including those that called {@code setsid} and were re-parented to init) or are
 * in its session while that session's leader is still the recorded process, and started no earlier
 * than the launch. Zombies are left out: they hold nothing and cannot be signalled away.
 *
 * <p>A session id alone proves nothing: once every process of the launch's session is gone, the
 * kernel may give its number to a new session leader (a terminal's shell, any daemon calling {@code
 * setsid}), whose whole session would then pass for the launch's. So the session counts only while
 * its leader — the pid equal to the session id — is alive with the start stamp kitty recorded for
 * it (ADR 19 addendum).
 */
public final class LaunchMembers {

  private LaunchMembers() {}

  /**
   * The live members of the launch {@code launchId}, oldest first.
   *
   * @param notBeforeTicks the launch's floor start stamp (the launching kitty's own)
   * @param sid the launch's session, or -1 when it has none on record
   * @param leaderTicks the start stamp of the session's leader on record, or -1 when unknown (then
   *     the session proves nothing and only the cookie counts)
   */
  public static List<ProcessView> find(
      ProcessTable table, String launchId, long notBeforeTicks, long sid, long leaderTicks) {
    List<ProcessView> out = new ArrayList<>();
    long me = ProcessHandle.current().pid();
    boolean sessionIsOurs = sessionLed(table, sid, leaderTicks);
    for (ProcessNode n : table.nodes().values()) {
      // The start stamp first: it costs nothing, and most processes are older than the launch.
      if (n.startTicks() < notBeforeTicks || n.zombie() || n.pid() == me) {
        continue;
      }
      Optional<ProcessView> v = table.view(n.pid());
      if (v.isEmpty()) {
        continue;
      }
      boolean cookie = launchId.equals(v.get().cookies().get(ProcessView.LAUNCH_COOKIE));
      boolean session = sessionIsOurs && v.get().sid() == sid;
      if (cookie || session) {
        out.add(v.get());
      }
    }
    out.sort(java.util.Comparator.comparingLong(ProcessView::startTicks));
    return out;
  }

  /** Whether session {@code sid}'s leader is the recorded process (start stamp {@code ticks}). */
  public static boolean sessionLed(ProcessTable table, long sid, long leaderTicks) {
    return table.aliveAs(sid, leaderTicks);
  }

  /** The live members of the launch {@code r} on record (its cookie, floor and led session). */
  public static List<ProcessView> find(ProcessTable table, LaunchRecord r) {
    return find(table, r.launchId(), r.notBeforeTicks(), r.sid(), r.sessionLeaderTicks());
  }

  /** Every live process but kitty itself that {@code test} accepts (a cookie scan). */
  public static List<ProcessView> matching(
      ProcessTable table, java.util.function.Predicate<ProcessView> test) {
    List<ProcessView> out = new ArrayList<>();
    long me = ProcessHandle.current().pid();
    for (ProcessNode n : table.nodes().values()) {
      if (!n.zombie() && n.pid() != me) {
        table.view(n.pid()).filter(test).ifPresent(out::add);
      }
    }
    return out;
  }

  /**
   * The zombies among the children of {@code members}: workers that exited and that their parent
   * never waited for. They hold nothing; they go when their parent does (init reaps them), and a
   * kitty that is their parent reaps them itself (the JDK's process reaper).
   */
  public static List<Long> zombies(ProcessTable table, List<ProcessView> members) {
    java.util.Set<Long> parents = new java.util.HashSet<>();
    members.forEach(m -> parents.add(m.pid()));
    List<Long> out = new ArrayList<>();
    for (ProcessNode n : table.nodes().values()) {
      if (n.zombie() && parents.contains(n.ppid())) {
        out.add(n.pid());
      }
    }
    out.sort(null);
    return out;
  }
}
