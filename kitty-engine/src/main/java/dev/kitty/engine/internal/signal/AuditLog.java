package dev.kitty.engine.internal.signal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every decision of the signal gate, allowed or refused, with its outcome: one structured slf4j
 * line (logger {@code kitty.audit}) and one JSON line appended to {@code STATE_DIR/audit.log}.
 */
public final class AuditLog {

  private static final Logger LOG = LoggerFactory.getLogger("kitty.audit");

  private final Path file;
  private final java.util.function.Consumer<String> onLost;
  private java.nio.channels.FileChannel channel;
  private String unwritable;

  /** An audit log in {@code stateDir}, or one that only logs when {@code stateDir} is null. */
  public AuditLog(Path stateDir) {
    this(stateDir, lost -> {});
  }

  /**
   * As {@link #AuditLog(Path)}, telling {@code onLost} why, for every line that could not be
   * written: a decision that leaves no line is a failure the command must report, not a silence.
   */
  public AuditLog(Path stateDir, java.util.function.Consumer<String> onLost) {
    this.file = stateDir == null ? null : stateDir.resolve("audit.log");
    this.onLost = onLost;
  }

  /** The file the decisions are appended to, or null. */
  public Path file() {
    return file;
  }

  /**
   * One flat JSON object of strings and numbers, written by hand: the audit line is on the path of
   * every stop, and a stop that prints no JSON should not start Jackson for it (≈ 100 ms cold).
   */
  static String json(Map<String, Object> line) {
    return dev.kitty.api.support.JsonText.write(line);
  }

  /**
   * Records one decision. Never throws: a line that cannot be written is reported on the logger and
   * to the failure consumer given at construction.
   */
  public synchronized void record(
      String family,
      long pid,
      long startTicks,
      String signal,
      String decision,
      String reason,
      String outcome) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("schema_version", 1);
    line.put("time", Instant.now().toString());
    line.put("family", family);
    line.put("pid", pid);
    line.put("start_ticks", startTicks);
    line.put("signal", signal);
    line.put("decision", decision);
    line.put("reason", reason);
    line.put("outcome", outcome);
    LOG.info(
        "gate family={} pid={} start={} signal={} decision={} reason=\"{}\" outcome={}",
        family,
        pid,
        startTicks,
        signal,
        decision,
        reason,
        outcome);
    if (file == null) {
      return;
    }
    if (unwritable != null) {
      onLost.accept(unwritable);
      return;
    }
    try {
      if (channel == null) {
        // Opened once per kitty process, appended line by line: one write per decision.
        Files.createDirectories(file.getParent());
        channel =
            java.nio.channels.FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
      }
      byte[] bytes = (json(line) + "\n").getBytes(StandardCharsets.UTF_8);
      channel.write(java.nio.ByteBuffer.wrap(bytes));
    } catch (IOException e) {
      unwritable = "audit log " + file + " cannot be written (" + e.getMessage() + ")";
      LOG.warn("audit log {} cannot be written: {}", file, e.getMessage());
      onLost.accept(unwritable);
    }
  }
}
