package dev.kitty.familykit;

import dev.kitty.api.FileEvidence;
import dev.kitty.api.HttpAnswer;
import dev.kitty.api.ListenerView;
import dev.kitty.api.ProcessView;
import dev.kitty.engine.SimulatedMachine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One generated world: a few listeners, each held by one process, each answering one way. Its
 * {@link #toString} is what the report shows of a counterexample.
 *
 * @param kind the kind of world, which says the rule the family must keep in it
 * @param holders the listening processes
 */
public record World(WorldKind kind, List<Holder> holders) {

  /** The uid kitty runs as in every world. */
  public static final int KITTY_UID = 1000;

  /** Copies the list. */
  public World {
    holders = List.copyOf(holders);
  }

  /**
   * A process holding a loopback port.
   *
   * @param port the port it listens on
   * @param pid its pid (a reused one may be named by a look-alike's answer)
   * @param uid its user
   * @param args its command line
   * @param reply what every path on its port answers that {@code paths} does not name
   * @param paths what the named paths answer
   * @param files the files of its sample, there for the probe to read
   * @param lookAlike whether it answers as one of the family's samples without being it
   */
  public record Holder(
      int port,
      long pid,
      int uid,
      List<String> args,
      Reply reply,
      Map<String, Reply> paths,
      List<FileEvidence> files,
      boolean lookAlike) {
    /** Copies the lists. */
    public Holder {
      args = List.copyOf(args);
      paths = Map.copyOf(paths);
      files = List.copyOf(files);
    }

    @Override
    public String toString() {
      return "port "
          + port
          + " pid "
          + pid
          + " uid "
          + uid
          + " "
          + args
          + " answering "
          + (paths.isEmpty() ? "" : paths + ", every other path ")
          + reply
          + (files.isEmpty() ? "" : ", files " + files.stream().map(FileEvidence::path).toList())
          + (lookAlike ? " (a look-alike)" : "");
    }
  }

  /**
   * What a port answers to every path: nothing (refused), or a status and body after a delay.
   *
   * @param status the HTTP status, or -1 for no answer at all
   * @param body the body
   * @param delayMillis how long it takes
   */
  public record Reply(int status, String body, long delayMillis) {
    /** No answer: the connection is refused. */
    public static final Reply SILENT = new Reply(-1, "", 0);

    /** This reply with the world's port and pid in place of a sample's placeholders. */
    Reply filled(int port, long pid) {
      return new Reply(status, Worlds.fill(body, port, pid), delayMillis);
    }

    @Override
    public String toString() {
      if (status < 0) {
        return "nothing";
      }
      String shown =
          body.length() > 80 ? body.substring(0, 80) + "… (" + body.length() + " chars)" : body;
      return status + " after " + delayMillis + " ms: " + shown.replace("\n", "\\n");
    }
  }

  /** This world as a machine the engine can scan, kitty's environment {@code environment}. */
  public SimulatedMachine machine(Map<String, String> environment) {
    SimulatedMachine m = new SimulatedMachine(KITTY_UID);
    environment.forEach(m::environment);
    m.process(process(1, 0, 0, List.of("/sbin/init")));
    List<Long> seen = new ArrayList<>();
    long inode = 7000;
    for (Holder h : holders) {
      if (!seen.contains(h.pid())) {
        m.process(process(h.pid(), 1, h.uid(), h.args()));
        seen.add(h.pid());
      }
      m.listener(new ListenerView("127.0.0.1", h.port(), false, inode++, List.of(h.pid())));
      // Silence (status -1) refuses at once; silence with a delay accepts and then hangs.
      if (h.reply().status() >= 0 || h.reply().delayMillis() > 0) {
        m.answerEveryPath(h.port(), answer(h.port(), "/", h.reply()), delay(h.reply()));
      }
      for (var p : h.paths().entrySet()) {
        if (p.getValue().status() >= 0 || p.getValue().delayMillis() > 0) {
          m.answer(
              h.port(),
              p.getKey(),
              answer(h.port(), p.getKey(), p.getValue()),
              delay(p.getValue()));
        }
      }
    }
    return m;
  }

  private static HttpAnswer answer(int port, String path, Reply r) {
    String url = "http://127.0.0.1:" + port + path;
    return r.status() < 0
        ? HttpAnswer.failed(url, "connection reset after " + r.delayMillis() + " ms")
        : new HttpAnswer(url, r.status(), r.body(), jsonObject(r.body()), null);
  }

  private static Duration delay(Reply r) {
    return Duration.ofMillis(r.delayMillis());
  }

  /** The body as the engine's HTTP reader gives it to a probe: a JSON object, or null. */
  private static Map<String, Object> jsonObject(String body) {
    try {
      return dev.kitty.api.support.JsonText.parseObject(body);
    } catch (RuntimeException notAnObject) {
      return null;
    }
  }

  private static ProcessView process(long pid, long ppid, int uid, List<String> args) {
    String a0 = args.isEmpty() ? "?" : args.getFirst();
    String command = a0.substring(a0.lastIndexOf('/') + 1);
    return new ProcessView(
        pid,
        ppid,
        pid,
        pid,
        uid,
        uid == KITTY_UID ? "dev" : uid == 0 ? "root" : "u" + uid,
        pid * 10,
        Instant.EPOCH.plusSeconds(pid),
        command.length() > 15 ? command.substring(0, 15) : command,
        args,
        null,
        null,
        1 << 20,
        "S",
        Map.of(),
        uid == KITTY_UID);
  }

  @Override
  public String toString() {
    return kind + " " + holders;
  }
}
