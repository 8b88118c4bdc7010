package dev.kitty.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the engine lets an identity probe see about one listener: the listener, the processes
 * holding it, the process table, and bounded reads (loopback HTTP, small files). Every method is
 * read-only; nothing reachable from here can signal a process.
 *
 * <p>Stability: experimental.
 *
 * @since 0.1
 */
public interface ProbeContext {

  /**
   * The family's range as configured (it may differ from the family's default).
   *
   * @since 0.1
   */
  PortRange range();

  /**
   * The listener being classified; never null.
   *
   * @since 0.1
   */
  ListenerView listener();

  /**
   * The process that owns the listener: the holder none of whose ancestors also holds it. Empty
   * when no holder could be seen.
   *
   * @since 0.1
   */
  Optional<ProcessView> process();

  /**
   * The process with this pid in the scan's snapshot, if visible.
   *
   * @since 0.1
   */
  Optional<ProcessView> process(long pid);

  /**
   * The direct children of {@code pid} that started after it, in the snapshot.
   *
   * @since 0.1
   */
  List<ProcessView> children(long pid);

  /**
   * The pids of the shell wrappers ({@link ProcessView#shellWrapper()}) directly above {@code p},
   * nearest first: its parent if that is a wrapper, that one's parent if it is one too, and so on
   * (at most 8). A family names them in its identity ({@code wrapper_pids}) so that its stop plan
   * can stop what would respawn {@code p}; the engine verifies them again before any signal.
   *
   * @since 0.1
   */
  default List<Long> shellWrappers(ProcessView p) {
    List<Long> out = new java.util.ArrayList<>();
    Optional<ProcessView> up = process(p.ppid());
    while (up.isPresent()
        && up.get().shellWrapper()
        && out.size() < 8
        && !out.contains(up.get().pid())) {
      out.add(up.get().pid());
      up = process(up.get().ppid());
    }
    return List.copyOf(out);
  }

  /**
   * The uid kitty runs as.
   *
   * @since 0.1
   */
  int currentUid();

  /**
   * {@code GET http://127.0.0.1:PORT/PATH} on the listener's port (or {@code [::1]} for an
   * IPv6-only loopback listener): no redirects, no credentials, bounded in time by the engine and
   * in size.
   *
   * @param path an absolute path such as {@code /api/health}
   * @since 0.1
   */
  HttpAnswer httpGet(String path);

  /**
   * As {@link #httpGet(String)}, with a shorter timeout than the engine's default when given.
   *
   * @since 0.1
   */
  HttpAnswer httpGet(String path, Duration timeout);

  /**
   * Reads a small file (at most 64 KiB) with its owner and mode.
   *
   * @since 0.1
   */
  FileEvidence readFile(String path);

  /**
   * The record of the live singleton kitty launched for this family ({@code kitty sync ensure}), as
   * written by the engine: a flat JSON object with at least {@code pid}, {@code port}, {@code
   * start_ticks}, {@code start_time}, {@code launch_id}. {@link FileEvidence#absent()} when there
   * is none.
   *
   * @since 0.1
   */
  FileEvidence singletonRecord();

  /**
   * The state directory kitty keeps its records in.
   *
   * @since 0.1
   */
  String stateDir();

  /**
   * A variable of kitty's environment as the user runs it ({@code HOME}, or where a family's
   * daemons keep their records, such as {@code SPEC_KITTY_HOME}); the config file's {@code
   * environment} object sets or overrides it. Empty when unset or blank, and by default.
   *
   * @since 0.1
   */
  default Optional<String> environment(String name) {
    return Optional.empty();
  }

  /**
   * The launch on kitty's record whose cookie is {@code launchId}, if there is one; empty by
   * default (a context without a registry).
   *
   * @since 0.1
   */
  default Optional<LaunchView> launch(String launchId) {
    return Optional.empty();
  }

  /**
   * How far a process's start time may lie after a launch's stop time and still count as started
   * before it: start times are derived from the boot time at one-second resolution.
   *
   * @since 0.1
   */
  java.time.Duration STOP_CLOCK_SLACK = java.time.Duration.ofSeconds(2);

  /**
   * What kitty's launch registry proves about {@code p} for family {@code familyId}, the same way
   * for every family that launches daemons. For a process carrying a launch cookie: another
   * family's launch is never touched; a member of this family's live launch on record is recorded
   * live; a member of a launch kitty stopped, or whose start failed, is a leftover kitty proved it
   * started ({@code safe_auto}); a process older than the launch whose cookie it carries copied it,
   * and a cookie no record names proves nothing ({@code operator_required}). Empty when {@code p}
   * carries no launch cookie: the family decides.
   *
   * <p>A pure function: {@code attrs} is not changed. The verdict carries a copy of it with {@link
   * Identity#LAUNCH_ID}, {@link Identity#SERVICE} (the launch's name, else the {@code
   * KITTY_SERVICE} cookie) and {@link Identity#RECORDED_PID} (the main process on record, which
   * {@code kitty ghosts} compares with the socket's holders) set; {@link #launchAttributes} gives
   * the first two for a family's own verdict (added with {@code putIfAbsent}, as here, so that a
   * family's own {@code service} stays).
   *
   * @param attrs the family's attributes for the verdict
   * @since 0.1
   */
  default Optional<Identity> launchIdentity(
      ProcessView p, String familyId, java.util.Map<String, Object> attrs) {
    String cookie = p.cookies().get(ProcessView.LAUNCH_COOKIE);
    String family = p.cookies().get("KITTY_FAMILY");
    if (cookie == null) {
      return Optional.empty();
    }
    java.util.Map<String, Object> verdict = new java.util.LinkedHashMap<>(attrs);
    launchAttributes(p).forEach(verdict::putIfAbsent);
    verdict.put(Identity.LAUNCH_ID, cookie);
    if (family != null && !family.equals(familyId)) {
      return Optional.of(
          Identity.neverTouch(
              IdentitySource.PROCESS_SHAPE, "launched by kitty for family " + family, verdict));
    }
    Optional<LaunchView> record = launch(cookie);
    if (record.isEmpty() || !record.get().family().equals(familyId)) {
      return Optional.of(
          Identity.operatorRequired(
              IdentitySource.PROCESS_SHAPE,
              "carries kitty launch cookie " + cookie + " but no launch record names it",
              verdict));
    }
    LaunchView r = record.get();
    verdict.put(Identity.SERVICE, r.name());
    if (r.pid() > 0) {
      verdict.put(Identity.RECORDED_PID, r.pid());
    }
    if (p.startTicks() < r.notBeforeTicks()) {
      return Optional.of(
          Identity.operatorRequired(
              IdentitySource.REGISTRY,
              "carries the cookie of launch "
                  + r.name()
                  + " but started before it: the cookie was copied, not inherited",
              verdict));
    }
    if (r.meantToRun()) {
      return Optional.of(
          Identity.recordedLive(
              IdentitySource.REGISTRY,
              "the live " + familyId + " launch '" + r.name() + "' on record",
              verdict));
    }
    if (r.stoppedAt() != null
        && p.startTime() != null
        && p.startTime().isAfter(r.stoppedAt().plus(STOP_CLOCK_SLACK))) {
      // Started after kitty stopped the launch: nothing of the launch was alive to start it, so it
      // copied the cookie (a third party started with a stale environment).
      return Optional.of(
          Identity.operatorRequired(
              IdentitySource.REGISTRY,
              "carries the cookie of launch "
                  + r.name()
                  + " but started after kitty stopped it ("
                  + r.stoppedAt()
                  + "): the cookie was copied, not inherited",
              verdict));
    }
    // Kitty stopped this launch (or its start failed): what still carries its cookie and started
    // while it ran is a leftover kitty proved it started.
    return Optional.of(Identity.safeAuto(IdentitySource.REGISTRY, verdict));
  }

  /**
   * What {@code p}'s launch cookies say, for the attributes of any verdict on it: {@link
   * Identity#LAUNCH_ID} and {@link Identity#SERVICE} (each null when {@code p} carries no such
   * cookie).
   *
   * @since 0.1
   */
  default java.util.Map<String, Object> launchAttributes(ProcessView p) {
    java.util.Map<String, Object> attrs = new java.util.LinkedHashMap<>();
    attrs.put(Identity.LAUNCH_ID, p.cookies().get(ProcessView.LAUNCH_COOKIE));
    attrs.put(Identity.SERVICE, p.cookies().get("KITTY_SERVICE"));
    return attrs;
  }
}
