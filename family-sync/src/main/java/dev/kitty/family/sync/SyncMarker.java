package dev.kitty.family.sync;

import dev.kitty.api.support.JsonText;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The daemon-local identity marker: written only by the daemon itself, mode 0600, under its root.
 * The nonce never leaves the file; the daemon proves it knows it by answering the probe's challenge
 * with {@link SyncContract#proof}.
 *
 * @param nonce 32 random hex digits
 * @param pid the daemon's pid
 * @param port the port it serves
 * @param startTime when the daemon process started, as the OS reports it
 * @param packageVersion the version it runs
 * @param protocolVersion the health protocol it speaks
 * @param daemonRoot its root, which is also its singleton scope
 * @param launchId the kitty launch that started it, or null when started by hand
 */
record SyncMarker(
    String nonce,
    long pid,
    int port,
    Instant startTime,
    String packageVersion,
    int protocolVersion,
    String daemonRoot,
    String launchId) {

  SyncMarker {
    Objects.requireNonNull(nonce, "nonce");
    Objects.requireNonNull(startTime, "start_time");
    Objects.requireNonNull(daemonRoot, "daemon_root");
  }

  String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schema_version", dev.kitty.api.support.DaemonProof.MARKER_SCHEMA_VERSION);
    m.put("daemon_family", "sync");
    m.put("nonce", nonce);
    m.put("pid", pid);
    m.put("port", port);
    m.put("start_time", startTime.toString());
    m.put("package_version", packageVersion);
    m.put("protocol_version", protocolVersion);
    m.put("daemon_root", daemonRoot);
    m.put("launch_id", launchId);
    return JsonText.write(m) + "\n";
  }

  /**
   * The marker in {@code text}.
   *
   * @throws IllegalArgumentException saying which field is missing or wrong
   */
  static SyncMarker parse(String text) {
    return of(JsonText.parseObject(text));
  }

  /**
   * The marker with these fields.
   *
   * @throws IllegalArgumentException saying which field is missing or wrong
   */
  static SyncMarker of(Map<String, Object> m) {
    if (!"sync".equals(m.get("daemon_family"))) {
      throw new IllegalArgumentException("daemon_family is not \"sync\"");
    }
    try {
      return new SyncMarker(
          text(m, "nonce"),
          number(m, "pid"),
          (int) number(m, "port"),
          Instant.parse(text(m, "start_time")),
          text(m, "package_version"),
          (int) number(m, "protocol_version"),
          text(m, "daemon_root"),
          m.get("launch_id") instanceof String s ? s : null);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("start_time is not an ISO-8601 instant");
    }
  }

  private static String text(Map<String, Object> m, String key) {
    if (m.get(key) instanceof String s && !s.isEmpty()) {
      return s;
    }
    throw new IllegalArgumentException("field " + key + " is missing or not a string");
  }

  private static long number(Map<String, Object> m, String key) {
    if (m.get(key) instanceof Long n) {
      return n;
    }
    throw new IllegalArgumentException("field " + key + " is missing or not an integer");
  }
}
