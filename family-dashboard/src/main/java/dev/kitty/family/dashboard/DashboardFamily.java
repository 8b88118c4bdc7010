package dev.kitty.family.dashboard;

import dev.kitty.api.Family;
import dev.kitty.api.FileEvidence;
import dev.kitty.api.HttpAnswer;
import dev.kitty.api.Identity;
import dev.kitty.api.IdentitySource;
import dev.kitty.api.LaunchSpec;
import dev.kitty.api.PortRange;
import dev.kitty.api.ProbeContext;
import dev.kitty.api.ProcessView;
import dev.kitty.api.StopPlan;
import dev.kitty.api.StopStep;
import dev.kitty.api.support.DaemonProof;
import dev.kitty.api.support.JsonFields;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Per-project dashboard web servers on a port in [9237, 9337), with their metadata in {@code
 * PROJECT/.kittify/.dashboard}.
 *
 * <p>Identity: the health endpoint names the project; the project's metadata file must name the
 * same port and pid for the process to be proven. The recorded dashboard of a project is its live
 * one and is never cleaned automatically; a dashboard its project's file does not name is reported
 * for the operator.
 */
public final class DashboardFamily implements Family {

  static final PortRange RANGE = new PortRange(9237, 9337);

  /** The main class kitty launches: the production spawn shape of kitty's own dashboard. */
  static final String DAEMON_MAIN =
      "dev.kitty.family.dashboard/dev.kitty.family.dashboard.DashboardDaemon";

  @Override
  public String id() {
    return "dashboard";
  }

  @Override
  public String description() {
    return "per-project dashboard web servers; metadata in PROJECT/.kittify/.dashboard";
  }

  @Override
  public PortRange defaultRange() {
    return RANGE;
  }

  @Override
  public StopPlan stopPlan() {
    return StopPlan.httpFirst(
        StopStep.TokenSource.METADATA_FILE,
        StopStep.Reach.TREE,
        Duration.ofSeconds(2),
        Duration.ofSeconds(2));
  }

  /** The project's {@code .kittify/.dashboard}, when it exists and cannot be used as it is. */
  @Override
  public List<String> recordNotes(String scope) {
    Path file = Path.of(scope, ".kittify", ".dashboard");
    try {
      if (Files.isSymbolicLink(file.getParent())) {
        return List.of(
            "metadata folder " + file.getParent() + " is a symbolic link: not followed, not used");
      }
      DashboardMetadata m =
          DashboardMetadata.parse(DaemonProof.readSmallFile(file, DashboardMetadata.MAX_BYTES));
      if (m.pid() != null) {
        Optional<String> stale = stalePid(file, m.pid());
        if (stale.isPresent()) {
          return List.of(stale.get());
        }
      }
      if (!RANGE.contains(m.port())) {
        return List.of(
            "metadata file "
                + file
                + " names port "
                + m.port()
                + ", outside the dashboard family's default range "
                + RANGE
                + "; it will be replaced");
      }
      return List.of();
    } catch (IllegalArgumentException e) {
      return List.of(
          "metadata file " + file + " is malformed (" + e.getMessage() + "); it will be replaced");
    } catch (java.nio.file.NoSuchFileException none) {
      return List.of();
    } catch (IOException | UncheckedIOException e) {
      return List.of("metadata file " + file + " cannot be read (" + e.getMessage() + ")");
    }
  }

  /**
   * Why the metadata's pid is a stale record: gone, or now a process that is no dashboard. kitty
   * never signals a process because a record names it (spec-kitty's CLI does, and kills whatever
   * got the pid); it says so.
   */
  private static Optional<String> stalePid(Path file, long pid) {
    Optional<ProcessHandle> h = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (h.isEmpty()) {
      return Optional.of(
          "metadata file " + file + " names pid " + pid + ", which is gone: a stale record");
    }
    String line = h.get().info().commandLine().orElse("");
    if (line.isEmpty() || line.contains(DAEMON_MAIN) || line.contains("run_dashboard_server")) {
      return Optional.empty();
    }
    return Optional.of(
        "metadata file "
            + file
            + " names pid "
            + pid
            + ", which is now `"
            + (line.length() > 80 ? line.substring(0, 80) + "…" : line)
            + "`, not a dashboard: a stale record; kitty never touches that process"
            + " (`kitty dashboard` in the project replaces the record)");
  }

  @Override
  public Optional<LaunchSpec> launchSpec() {
    return Optional.of(
        new LaunchSpec(
            List.of(
                "{java}",
                "-Xmx64m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "--module-path",
                "{module_path}",
                "-m",
                DAEMON_MAIN,
                "--project",
                "{scope}",
                "--port",
                "{port}",
                "--state-dir",
                "{state_dir}"),
            false,
            "/api/health",
            Duration.ofSeconds(10)));
  }

  @Override
  public Identity identify(ProbeContext ctx) {
    Optional<ProcessView> process = ctx.process();
    if (process.isPresent() && SpecKittyDashboardProof.runsSpecKittyDashboard(process.get())) {
      // spec-kitty's own dashboard, asked as spec-kitty asks it: a plain health request (ADR 26).
      return SpecKittyDashboardProof.identify(ctx, process.get(), ctx.httpGet("/api/health"));
    }
    // One request carries the challenge kitty's dashboards answer with their proofs; a server that
    // answered but does not take a query on /api/health is asked again plainly. One that did not
    // answer at all is not asked twice: a silent listener would cost two deadlines (a
    // scan of 50 silent listeners took 3 s instead of 1.5 s).
    String challenge = DaemonProof.randomHex(16);
    HttpAnswer health = ctx.httpGet("/api/health?" + DaemonProof.CHALLENGE + "=" + challenge);
    if (!health.okJson() && health.status() > 0) {
      HttpAnswer plain = ctx.httpGet("/api/health");
      if (plain.okJson()) {
        health = plain;
        challenge = null;
      }
    }
    if (health.okJson()
        && "dashboard".equals(JsonFields.string(health.json(), "daemon_family").orElse(null))
        && process.isPresent()) {
      return KittyDashboardProof.identify(ctx, process.get(), health.json(), challenge);
    }
    if (!health.okJson() && process.isPresent()) {
      Optional<Identity> unhealthy = KittyDashboardProof.unhealthy(ctx, process.get(), health);
      if (unhealthy.isPresent()) {
        return unhealthy.get();
      }
    }
    Optional<String> project =
        health.okJson() ? JsonFields.string(health.json(), "project_path") : Optional.empty();
    if (project.isEmpty()) {
      return Identity.neverTouch("not a dashboard: " + reason(health));
    }
    // It answers like a dashboard, but runs neither kitty's nor spec-kitty's: a look-alike until
    // someone proves otherwise. Never stopped on its answer alone.
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put(Identity.PROJECT_DIR, project.get());
    attrs.put(Identity.METADATA_FILE, project.get() + "/.kittify/.dashboard");
    // The pid its project's metadata names, for the ghost-socket report (the recorded owner gone,
    // its port still held): information, not proof.
    FileEvidence file = ctx.readFile(project.get() + "/.kittify/.dashboard");
    if (file.text() != null && file.writableOnlyBy(ctx.currentUid())) {
      try {
        attrs.put(Identity.RECORDED_PID, DashboardMetadata.parse(file.text()).pid());
      } catch (IllegalArgumentException malformed) {
        // Not evidence of anything.
      }
    }
    return Identity.operatorRequired(
        IdentitySource.HEALTH,
        "answers like a dashboard of "
            + project.get()
            + " but its command line is neither kitty's nor spec-kitty's dashboard: not proven",
        attrs);
  }

  private static String reason(HttpAnswer health) {
    if (health.error() != null) {
      return "health: " + health.error();
    }
    if (!health.okJson()) {
      return "health answered HTTP " + health.status() + " without a JSON object";
    }
    return "health payload has no project_path";
  }
}
