package dev.kitty.shell.interactive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.shell.Cli;
import dev.kitty.shell.KittyRun;
import dev.kitty.shell.command.KittyCommand;
import dev.kitty.shell.command.Session;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jline shell on a dumb terminal: the same commands, completion, history. */
class InteractiveShellTest {

  @TempDir Path home;

  @Test
  void theShellRunsCommandsRepeatedlyAndLeavesOnExit() throws Exception {
    byte[] input =
        "families\nfamilies --json\nsacn\nfamilies\nexit\n".getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int code;
    // DumbTerminal reads its input stream directly: no pump thread racing the reader to EOF.
    try (Terminal t = new DumbTerminal(new ByteArrayInputStream(input), output)) {
      Session s =
          new Session(
              KittyRun.env(home),
              new PrintWriter(new StringWriter()),
              new PrintWriter(new StringWriter()),
              true);
      code = new InteractiveShell(s, KittyCommand.Globals.NONE, Cli.TREE).loop(t);
    }
    String screen = output.toString(StandardCharsets.UTF_8);
    assertEquals(0, code);
    assertEquals(2, screen.split("FAMILY ", -1).length - 1, screen);
    assertTrue(screen.contains("{\"families\":[{\"id\":\"dashboard\""), screen);
    assertTrue(screen.contains("Unmatched argument at index 0: 'sacn'"), screen);
    assertTrue(screen.contains("kitty [2]> "), "the prompt shows the last exit code: " + screen);
    assertTrue(
        Files.readString(home.resolve("state/history")).contains("families --json"),
        "history is kept in the state dir");
  }

  @Test
  void tabCompletesCommandsAndFamilyIds() {
    Session s =
        new Session(
            KittyRun.env(home),
            new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter()),
            true);
    var cli = Cli.build(s, KittyCommand.Globals.NONE);
    CommandCompleter completer =
        new CommandCompleter(cli.getCommandSpec(), s, KittyCommand.Globals.NONE);
    DefaultParser parser = new DefaultParser();
    List<Candidate> commands = new ArrayList<>();
    completer.complete(null, parser.parse("fam", 3), commands);
    assertTrue(commands.stream().anyMatch(c -> c.value().equals("families")), commands.toString());
    List<Candidate> families = new ArrayList<>();
    completer.complete(null, parser.parse("scan da", 7), families);
    assertTrue(
        families.stream()
            .anyMatch(c -> c.value().equals("dashboard") && c.descr().startsWith("[9237, 9337)")),
        families.toString());
    List<Candidate> options = new ArrayList<>();
    completer.complete(null, parser.parse("families --ex", 13), options);
    assertTrue(options.stream().anyMatch(c -> c.value().equals("--explain")), options.toString());
  }

  @Test
  void theLineIsHighlightedAsItIsTypedAndPlainWithoutColour() {
    CommandHighlighter on = new CommandHighlighter(java.util.Set.of("scan", "kill"), true);
    String line = "scan --json; sacn 'x y'";
    org.jline.utils.AttributedString known = on.highlight(line);
    assertEquals(line, known.toString());
    assertEquals(CommandHighlighter.KNOWN, known.styleAt(0), "a known command is bold green");
    assertEquals(CommandHighlighter.OPTION, known.styleAt(line.indexOf("--json")));
    assertEquals(CommandHighlighter.UNKNOWN, known.styleAt(line.indexOf("sacn")));
    assertEquals(CommandHighlighter.QUOTED, known.styleAt(line.indexOf("'x y'") + 2));
    CommandHighlighter off = new CommandHighlighter(java.util.Set.of("scan"), false);
    assertEquals(org.jline.utils.AttributedStyle.DEFAULT, off.highlight("scan --json").styleAt(0));
  }

  @Test
  void sourceRunsAnotherScriptInPlaceAndNamesFileAndLineOfAFailure() throws Exception {
    Path main = home.resolve("main.kitty");
    Path lib = Files.createDirectories(home.resolve("lib")).resolve("checks.kitty");
    Files.writeString(main, "# a script\nsource lib/checks.kitty\nfamilies --json\n");
    Files.writeString(lib, "families --json\n\nbogus\n");
    KittyRun.Result r = KittyRun.run(KittyRun.env(home), "--batch", main.toString());
    assertEquals(2, r.code(), r.err());
    assertEquals(2, r.out().lines().filter(l -> l.startsWith("{\"families\"")).count(), r.out());
    assertTrue(r.err().contains(lib + ":3: 'bogus' exited 2"), r.err());

    Path loop = home.resolve("loop.kitty");
    Files.writeString(loop, "source loop.kitty\n");
    KittyRun.Result l = KittyRun.run(KittyRun.env(home), "--batch", loop.toString());
    assertEquals(2, l.code());
    assertTrue(l.err().contains("source nested more than 8 deep"), l.err());
  }

  @Test
  void quietPrintsNoReportButKeepsTheExitCodeAndJson() {
    KittyRun.Result quiet = KittyRun.run(KittyRun.env(home), "-q", "families");
    assertEquals(0, quiet.code());
    assertEquals("", quiet.out());
    KittyRun.Result json = KittyRun.run(KittyRun.env(home), "--quiet", "--json", "families");
    assertTrue(json.out().startsWith("{\"families\""), json.out());
    KittyRun.Result bad = KittyRun.run(KittyRun.env(home), "-q", "tree", "999999999");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("no visible process"), "errors still go to stderr: " + bad.err());
  }
}
