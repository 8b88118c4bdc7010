package dev.kitty.engine.internal.state;

import dev.kitty.api.support.JsonText;
import dev.kitty.engine.internal.JsonSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The process registry of named launches (ADR 19): one record per named launch in {@code
 * STATE/records/launch.FAMILY.NAME.json} (family ids have no dots, so the name is what follows the
 * second one), and every launch, restart and stop appended to {@code STATE/launch-history.jsonl}. A
 * record that cannot be read is moved to {@code STATE/quarantine/} and named in a warning; the
 * processes it described are still found by their cookie and reported by the family's probe.
 */
public final class LaunchRegistry {

  private static final String PREFIX = "launch.";

  private final StateStore store;
  private final boolean quarantine;
  private final List<String> warnings = new ArrayList<>();

  /** A registry in {@code store} that moves unreadable records aside. */
  public LaunchRegistry(StateStore store) {
    this(store, true);
  }

  /** A registry in {@code store}; with {@code quarantine} false it only reads (for scans). */
  public LaunchRegistry(StateStore store, boolean quarantine) {
    this.store = store;
    this.quarantine = quarantine;
  }

  /** The record file of {@code family}'s launch {@code name}. */
  public Path file(String family, String name) {
    return store.recordsDir().resolve(PREFIX + family + "." + name + ".json");
  }

  /** The lock a command holds while it changes {@code family}'s launch {@code name}. */
  public StateStore.Held lock(String family, String name) {
    return store.lock(PREFIX + family + "." + name);
  }

  /** What was quarantined while reading, each naming the file and what was wrong. */
  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  /** The record of {@code family}'s launch {@code name}, if there is a readable one. */
  public Optional<LaunchRecord> read(String family, String name) {
    Path f = file(family, name);
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    return parse(f);
  }

  /** Every readable launch record of {@code family} (of every family when null), by name. */
  public List<LaunchRecord> all(String family) {
    List<LaunchRecord> out = new ArrayList<>();
    Path dir = store.recordsDir();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    List<Path> files = new ArrayList<>();
    String glob = PREFIX + (family == null ? "*" : family + ".*") + ".json";
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
      ds.forEach(files::add);
    } catch (IOException e) {
      warnings.add("cannot list launch records in " + dir + ": " + e.getMessage());
      return out;
    }
    files.sort(null);
    for (Path f : files) {
      parse(f).ifPresent(out::add);
    }
    return out;
  }

  private Optional<LaunchRecord> parse(Path f) {
    String problem;
    try {
      Map<String, Object> m =
          JsonSupport.objectOrNull(
              dev.kitty.api.support.DaemonProof.readSmallFile(f, StateStore.MAX_RECORD_BYTES));
      if (m == null) {
        problem = "not a JSON object";
      } else {
        return Optional.of(LaunchRecord.fromJson(m));
      }
    } catch (IOException | UncheckedIOException e) {
      problem = "cannot be read: " + e.getMessage();
    } catch (IllegalArgumentException e) {
      problem = e.getMessage();
    }
    warnings.add(
        "launch record "
            + f
            + " "
            + (quarantine ? store.quarantine(f) : "is unusable")
            + " ("
            + problem
            + ")");
    return Optional.empty();
  }

  /** Writes {@code r} atomically. */
  public void write(LaunchRecord r) {
    store.writeAtomically(file(r.family(), r.name()), r.toJson());
  }

  /** Appends one event ({@code launch}, {@code restart}, {@code stop}, ...) to the history. */
  @SuppressWarnings("try") // the lock is held for the append, never read
  public void history(String event, LaunchRecord r, String detail) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", Instant.now().toString());
    m.put("event", event);
    m.put("family", r.family());
    m.put("name", r.name());
    m.put("launch_id", r.launchId());
    m.put("pid", r.pid());
    m.put("wrapper_pid", r.wrapperPid());
    m.put("port", r.port());
    m.put("detail", detail);
    Path log = store.dir().resolve("launch-history.jsonl");
    try (StateStore.Held held = store.lock("launch-history")) {
      Files.createDirectories(log.getParent());
      Files.writeString(
          log,
          JsonText.write(m) + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      warnings.add("cannot append to " + log + ": " + e.getMessage());
    }
  }
}
