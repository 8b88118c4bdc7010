package dev.kitty.engine.internal.state;

import dev.kitty.api.support.JsonText;
import dev.kitty.engine.model.Confinement;
import dev.kitty.engine.model.Limits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What kitty keeps of one named launch ({@code kitty start FAMILY --name NAME}) in {@code
 * STATE/records/launch.FAMILY.NAME.json}: enough to find every process of it again from another
 * kitty process (its cookie, its floor start stamp, its session), to restart it (command, shell,
 * port request, health path, folder), and to say what happened to it (status, restarts, error).
 * Written before the spawn (status {@code starting}) and again once it is healthy.
 *
 * @param family the family id
 * @param name the launch's name, unique in the family
 * @param status {@code starting}, {@code running}, {@code stopped} or {@code failed}
 * @param launchId the cookie every member carries
 * @param notBeforeTicks no member started before this stamp (the launching kitty's own)
 * @param command the command words as the user gave them
 * @param shell whether they run through the platform shell
 * @param portRequest {@code auto} or the port asked for
 * @param port the port it got (0 before it has one)
 * @param healthPath the HTTP path checked for health, or null (the port listening is enough)
 * @param cwd the folder it runs in
 * @param wrapperPid the shell wrapper's pid, or -1
 * @param wrapperStartTicks the wrapper's start stamp, or -1
 * @param pid the main process (the one listening on the port), or -1
 * @param startTicks the main process's start stamp, or -1
 * @param pgid its process group, or -1
 * @param sid its session, or -1
 * @param log where its output goes
 * @param startedAt when it was started (ISO-8601), or null
 * @param stoppedAt when kitty stopped it, or null
 * @param restarts how often it was restarted under this name
 * @param error why it failed, or null
 * @param scope the scope it was started for ({@code --scope}, {@code {scope}} in the command), or
 *     null
 * @param token the launch's shutdown token ({@code KITTY_TOKEN} in its environment; the file is
 *     private to kitty's user and the token is never printed)
 * @param cgroup the launch's cgroup (ADR 29), or null
 * @param cgroupId its id when kitty made it, or -1
 * @param confinement its cgroup's group and limits, so that a restart gets the same (ADR 30)
 */
public record LaunchRecord(
    String family,
    String name,
    String status,
    String launchId,
    long notBeforeTicks,
    List<String> command,
    boolean shell,
    String portRequest,
    int port,
    String healthPath,
    String cwd,
    long wrapperPid,
    long wrapperStartTicks,
    long pid,
    long startTicks,
    long pgid,
    long sid,
    String log,
    String startedAt,
    String stoppedAt,
    int restarts,
    String error,
    String scope,
    String token,
    String cgroup,
    long cgroupId,
    Confinement confinement) {

  /** The record format's version; older versions are read, newer ones refused by name. */
  public static final int SCHEMA_VERSION = 1;

  /** Launch names: safe as part of a file name, short enough to type. */
  public static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

  /** Copies the command; no confinement is {@link Confinement#NONE}. */
  public LaunchRecord {
    command = List.copyOf(command);
    confinement = confinement == null ? Confinement.NONE : confinement;
  }

  /** The cgroup the launch runs in, when it has one (ADR 29). */
  public java.util.Optional<dev.kitty.engine.internal.contain.Cell> cell() {
    return cgroup == null
        ? java.util.Optional.empty()
        : java.util.Optional.of(new dev.kitty.engine.internal.contain.Cell(cgroup, cgroupId));
  }

  /** Whether kitty means this launch to be alive. */
  public boolean meantToRun() {
    return status.equals("running") || status.equals("starting");
  }

  /**
   * The start stamp of the launch's session leader: kitty's root process, which {@code setsid} made
   * the leader (the wrapper when there is one, else the main process); -1 when neither is the
   * session's leader on record.
   */
  public long sessionLeaderTicks() {
    if (sid <= 1) {
      return -1;
    }
    if (sid == wrapperPid) {
      return wrapperStartTicks;
    }
    return sid == pid ? startTicks : -1;
  }

  /** This record with another status, stop time and error. */
  public LaunchRecord with(String newStatus, String newStoppedAt, String newError) {
    return new LaunchRecord(
        family,
        name,
        newStatus,
        launchId,
        notBeforeTicks,
        command,
        shell,
        portRequest,
        port,
        healthPath,
        cwd,
        wrapperPid,
        wrapperStartTicks,
        pid,
        startTicks,
        pgid,
        sid,
        log,
        startedAt,
        newStoppedAt,
        restarts,
        newError,
        scope,
        token,
        cgroup,
        cgroupId,
        confinement);
  }

  /** The record as its file holds it. */
  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schema_version", SCHEMA_VERSION);
    m.put("kind", "launch");
    m.put("family", family);
    m.put("name", name);
    m.put("status", status);
    m.put("launch_id", launchId);
    m.put("not_before_ticks", notBeforeTicks);
    m.put("command", command);
    m.put("shell", shell);
    m.put("port_request", portRequest);
    m.put("port", port);
    m.put("health_path", healthPath);
    m.put("cwd", cwd);
    m.put("wrapper_pid", wrapperPid);
    m.put("wrapper_start_ticks", wrapperStartTicks);
    m.put("pid", pid);
    m.put("start_ticks", startTicks);
    m.put("pgid", pgid);
    m.put("sid", sid);
    m.put("log", log);
    m.put("started_at", startedAt);
    m.put("stopped_at", stoppedAt);
    m.put("restarts", restarts);
    m.put("error", error);
    m.put("scope", scope);
    m.put("token", token);
    if (cgroup != null) {
      m.put("cgroup", cgroup);
      m.put("cgroup_id", cgroupId);
    }
    if (!confinement.equals(Confinement.NONE)) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("group", confinement.group());
      c.put("group_limits", limits(confinement.groupLimits()));
      c.put("limits", limits(confinement.limits()));
      m.put("confinement", c);
    }
    return JsonText.write(m) + "\n";
  }

  /**
   * Reads a record's JSON object.
   *
   * @throws IllegalArgumentException naming the field that is missing or has the wrong type, or a
   *     schema version this kitty does not know
   */
  public static LaunchRecord fromJson(Map<String, Object> m) {
    long version = number(m, "schema_version");
    if (version < 1 || version > SCHEMA_VERSION) {
      throw new IllegalArgumentException(
          "schema_version " + version + " is not one this kitty reads (1.." + SCHEMA_VERSION + ")");
    }
    List<String> command = new ArrayList<>();
    if (!(m.get("command") instanceof List<?> words)) {
      throw new IllegalArgumentException("command is not a list of words");
    }
    for (Object w : words) {
      command.add(String.valueOf(w));
    }
    return new LaunchRecord(
        text(m, "family", false),
        text(m, "name", false),
        text(m, "status", false),
        text(m, "launch_id", false),
        number(m, "not_before_ticks"),
        command,
        Boolean.TRUE.equals(m.get("shell")),
        text(m, "port_request", false),
        (int) number(m, "port"),
        text(m, "health_path", true),
        text(m, "cwd", true),
        number(m, "wrapper_pid"),
        number(m, "wrapper_start_ticks"),
        number(m, "pid"),
        number(m, "start_ticks"),
        number(m, "pgid"),
        number(m, "sid"),
        text(m, "log", true),
        text(m, "started_at", true),
        text(m, "stopped_at", true),
        (int) number(m, "restarts"),
        text(m, "error", true),
        text(m, "scope", true),
        text(m, "token", true),
        text(m, "cgroup", true),
        m.get("cgroup_id") instanceof Number id ? id.longValue() : -1,
        confinement(m.get("confinement")));
  }

  private static Map<String, Object> limits(Limits l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("max_processes", l.maxProcesses());
    m.put("max_memory_bytes", l.maxMemoryBytes());
    m.put("cpu_percent", l.cpuPercent());
    return m;
  }

  private static Confinement confinement(Object o) {
    if (o == null) {
      return Confinement.NONE;
    }
    if (!(o instanceof Map<?, ?> c)) {
      throw new IllegalArgumentException("confinement is not an object");
    }
    Object group = c.get("group");
    if (group != null && !(group instanceof String)) {
      throw new IllegalArgumentException("confinement.group is not a string");
    }
    Limits groupLimits = limits(c.get("group_limits"), "group_limits");
    Limits limits = limits(c.get("limits"), "limits");
    try {
      return new Confinement((String) group, groupLimits, limits);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("confinement: " + e.getMessage(), e);
    }
  }

  private static Limits limits(Object o, String key) {
    if (o == null) {
      return Limits.NONE;
    }
    if (!(o instanceof Map<?, ?> l)) {
      throw new IllegalArgumentException("confinement." + key + " is not an object");
    }
    long[] v = new long[3];
    String[] names = {"max_processes", "max_memory_bytes", "cpu_percent"};
    for (int i = 0; i < 3; i++) {
      Object n = l.get(names[i]);
      long max = i == 1 ? Long.MAX_VALUE : Integer.MAX_VALUE;
      if (n != null
          && (!(n instanceof Integer || n instanceof Long)
              || ((Number) n).longValue() < 0
              || ((Number) n).longValue() > max)) {
        throw new IllegalArgumentException(
            "confinement." + key + "." + names[i] + " is not a whole number from 0 to " + max);
      }
      v[i] = n == null ? 0 : ((Number) n).longValue();
    }
    return new Limits((int) v[0], v[1], (int) v[2]);
  }

  private static long number(Map<String, Object> m, String key) {
    if (m.get(key) instanceof Number n) {
      return n.longValue();
    }
    throw new IllegalArgumentException(key + " is missing or not a number");
  }

  private static String text(Map<String, Object> m, String key, boolean nullable) {
    Object v = m.get(key);
    if (v == null && nullable) {
      return null;
    }
    if (v instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException(key + " is missing or not a string");
  }
}
