package dev.kitty.engine.internal.state;

import dev.kitty.api.support.JsonText;
import dev.kitty.engine.internal.JsonSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What kitty keeps of one dev stack in {@code STATE/records/stack.ID.json}: its file, and per
 * service the launch name, the stop grace and the limits as they were when it was brought up.
 * {@code down} and {@code ps} work from this record, so they still work when the stack file was
 * edited, broken or deleted in between. Each service is also a named launch of the devstack family,
 * with a launch record of its own (cookie, session, pids).
 *
 * @param id the stack's id (a digest of the file's absolute path)
 * @param file the stack file's absolute path
 * @param status {@code starting}, {@code up}, {@code down} or {@code failed}
 * @param services the services in start order
 * @param updatedAt when the record was written (ISO-8601)
 * @param maxProcesses the stack-wide process limit (0: none)
 * @param maxRssBytes the stack-wide memory limit (0: none)
 */
public record StackRecord(
    String id,
    String file,
    String status,
    List<Service> services,
    String updatedAt,
    int maxProcesses,
    long maxRssBytes) {

  /** The record format's version; newer ones are refused by name. */
  public static final int SCHEMA_VERSION = 1;

  /** Copies the services. */
  public StackRecord {
    services = List.copyOf(services);
  }

  /**
   * One service as recorded.
   *
   * @param name its name in the stack file
   * @param launch its launch name in the devstack family
   * @param port its port, or 0
   * @param stopGrace TERM to KILL
   * @param maxProcesses its process limit (0: none)
   * @param maxRssBytes its memory limit (0: none)
   * @param dependsOn the services it depends on, or null where the record does not say (one written
   *     before kitty kept them: {@code down} then stops one service after another)
   */
  public record Service(
      String name,
      String launch,
      int port,
      Duration stopGrace,
      int maxProcesses,
      long maxRssBytes,
      List<String> dependsOn) {

    /** Copies the dependencies. */
    public Service {
      dependsOn = dependsOn == null ? null : List.copyOf(dependsOn);
    }
  }

  /** The stack's id: 10 hex digits of the SHA-256 of the file's absolute path. */
  public static String id(Path file) {
    return StateStore.digest(file.toAbsolutePath().normalize().toString()).substring(0, 10);
  }

  /** The launch name of {@code service} in stack {@code id}. */
  public static String launchName(String id, String service) {
    return id + "." + service;
  }

  /** Where the record of stack {@code id} is kept. */
  public static Path file(StateStore store, String id) {
    return store.recordsDir().resolve("stack." + id + ".json");
  }

  /** This record with another status, written now. */
  public StackRecord with(String newStatus) {
    return new StackRecord(
        id,
        file,
        newStatus,
        services,
        java.time.Instant.now().toString(),
        maxProcesses,
        maxRssBytes);
  }

  /** Writes the record atomically. */
  public void write(StateStore store) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schema_version", SCHEMA_VERSION);
    m.put("kind", "stack");
    m.put("id", id);
    m.put("file", file);
    m.put("status", status);
    List<Object> list = new ArrayList<>();
    for (Service s : services) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", s.name());
      e.put("launch", s.launch());
      e.put("port", s.port());
      e.put("stop_grace_ms", s.stopGrace().toMillis());
      e.put("max_processes", s.maxProcesses());
      e.put("max_rss_bytes", s.maxRssBytes());
      if (s.dependsOn() != null) {
        e.put("depends_on", s.dependsOn());
      }
      list.add(e);
    }
    m.put("services", list);
    m.put("updated_at", updatedAt);
    m.put("max_processes", maxProcesses);
    m.put("max_rss_bytes", maxRssBytes);
    store.writeAtomically(file(store, id), JsonText.write(m) + "\n");
  }

  /**
   * The record of stack {@code id}, if there is one.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static Optional<StackRecord> read(StateStore store, String id) {
    Path f = file(store, id);
    if (!Files.exists(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try {
      Map<String, Object> m =
          JsonSupport.objectOrNull(
              dev.kitty.api.support.DaemonProof.readSmallFile(f, StateStore.MAX_RECORD_BYTES));
      if (m == null) {
        throw new IllegalArgumentException("stack record " + f + " is not a JSON object");
      }
      if (!(m.get("schema_version") instanceof Number v)
          || v.intValue() < 1
          || v.intValue() > SCHEMA_VERSION) {
        throw new IllegalArgumentException(
            "stack record " + f + ": schema_version is not one this kitty reads (1)");
      }
      List<Service> services = new ArrayList<>();
      if (!(m.get("services") instanceof List<?> list)) {
        throw new IllegalArgumentException("stack record " + f + ": services is not a list");
      }
      for (Object o : list) {
        if (!(o instanceof Map<?, ?> e)
            || !(e.get("name") instanceof String name)
            || !(e.get("launch") instanceof String launch)) {
          throw new IllegalArgumentException(
              "stack record " + f + ": a service has no name or launch");
        }
        services.add(
            new Service(
                name,
                launch,
                (int) number(e.get("port")),
                Duration.ofMillis(Math.max(1, number(e.get("stop_grace_ms")))),
                (int) number(e.get("max_processes")),
                number(e.get("max_rss_bytes")),
                e.get("depends_on") instanceof List<?> deps
                    ? deps.stream().map(String::valueOf).toList()
                    : null));
      }
      return Optional.of(
          new StackRecord(
              String.valueOf(m.get("id")),
              String.valueOf(m.get("file")),
              String.valueOf(m.get("status")),
              services,
              String.valueOf(m.get("updated_at")),
              (int) number(m.get("max_processes")),
              number(m.get("max_rss_bytes"))));
    } catch (IOException e) {
      throw new IllegalArgumentException("stack record " + f + " cannot be read: " + e);
    }
  }

  /** Every readable stack record; unreadable ones are left to the commands that name them. */
  public static List<StackRecord> all(StateStore store) {
    List<StackRecord> out = new ArrayList<>();
    if (!Files.isDirectory(store.recordsDir())) {
      return out;
    }
    try (var files = Files.newDirectoryStream(store.recordsDir(), "stack.*.json")) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        try {
          read(store, name.substring("stack.".length(), name.length() - ".json".length()))
              .ifPresent(out::add);
        } catch (IllegalArgumentException unreadable) {
          // down/ps/up name it and rebuild it; the watchdog only counts what it can read.
        }
      }
    } catch (IOException e) {
      return out;
    }
    out.sort(java.util.Comparator.comparing(StackRecord::id));
    return out;
  }

  private static long number(Object o) {
    return o instanceof Number n ? n.longValue() : 0;
  }
}
