package dev.kitty.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.shell.command.KittyCommand;
import dev.kitty.shell.command.Session;
import dev.kitty.shell.interactive.Tokenizer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/** The command tree in-process: families, usage errors, batch mode, options reset between runs. */
class CommandTreeTest {

  @TempDir Path home;

  @Test
  void familiesJsonListsTheFourBuiltInsWithTheContractRanges() {
    KittyRun.Result r = KittyRun.run(KittyRun.env(home), "families", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode fams = r.json().get("families");
    Map<String, List<Integer>> expected =
        Map.of(
            "dashboard",
            List.of(9237, 9337),
            "sync",
            List.of(9400, 9450),
            "webui",
            List.of(7860, 7900),
            "devstack",
            List.of(3000, 3100));
    assertEquals(4, fams.size());
    for (JsonNode f : fams) {
      List<Integer> range = expected.get(f.get("id").asString());
      assertEquals(
          range,
          List.of(f.get("port_range").get("from").asInt(), f.get("port_range").get("to").asInt()),
          f.toString());
      assertEquals("builtin", f.get("source").asString());
      assertEquals("dev.kitty.family." + f.get("id").asString(), f.get("module").asString());
    }
    assertEquals(0, r.json().get("rejected").size());
  }

  @Test
  void globalJsonBeforeTheCommandWorksToo() {
    assertEquals(
        4, KittyRun.run(KittyRun.env(home), "--json", "families").json().get("families").size());
  }

  @Test
  void familiesExplainShowsThePlanAsData() {
    JsonNode webui =
        KittyRun.run(KittyRun.env(home), "--json", "families", "--explain")
            .json()
            .get("families")
            .get(3);
    assertEquals("webui", webui.get("id").asString());
    assertEquals("freeze_tree", webui.get("stop_plan").get(0).get("step").asString());
    assertEquals(10, webui.get("runaway_policy").get("max_processes").asInt());
    assertEquals(3, webui.get("runaway_policy").get("max_wrappers").asInt());
  }

  @Test
  void anUnknownFamilyIsAUsageErrorThatListsTheKnownOnes() {
    KittyRun.Result r = KittyRun.run(KittyRun.env(home), "scan", "nosuch");
    assertEquals(2, r.code());
    assertEquals(
        "kitty: unknown family \"nosuch\"; known: dashboard, devstack, sync, webui\n", r.err());
  }

  @Test
  void anUnknownCommandSuggestsTheNearestOne() {
    KittyRun.Result r = KittyRun.run(KittyRun.env(home), "sacn");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("Unmatched argument at index 0: 'sacn'"), r.err());
    assertTrue(r.err().contains("Did you mean 'kitty scan'?"), r.err());
  }

  @Test
  void aMalformedConfigNamesTheFileAndExitsTwo() throws Exception {
    Path cfg = Files.writeString(home.resolve("bad.json"), "{\"families\": [");
    KittyRun.Result r = KittyRun.run(KittyRun.env(home), "--config", cfg.toString(), "families");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("kitty: config " + cfg + ": not valid JSON"), r.err());
  }

  @Test
  void batchRunsEachCommandAndWritesJsonLines() {
    KittyRun.Result r =
        KittyRun.run(
            KittyRun.env(home), "--json", "-c", "families; scan webui ; families --explain");
    assertEquals(0, r.code(), r.err());
    List<JsonNode> docs = r.jsonLines();
    assertEquals(3, docs.size());
    assertEquals("webui", docs.get(1).get("families").get(0).get("id").asString());
  }

  @Test
  void batchExitsWithTheFirstFailureAndFailFastStopsThere() throws Exception {
    Path script =
        Files.writeString(
            home.resolve("script.kitty"), "# a comment\nfamilies\nscan nosuch\n\nsacn\nfamilies\n");
    KittyRun.Result all = KittyRun.run(KittyRun.env(home), "--json", "--batch", script.toString());
    assertEquals(2, all.code());
    assertEquals(
        2, all.jsonLines().stream().filter(d -> !d.has("error")).count(), "both good commands ran");
    assertEquals(
        List.of("usage", "usage"),
        all.jsonLines().stream()
            .filter(d -> d.has("error"))
            .map(d -> d.get("error").get("kind").asString())
            .toList(),
        "each failing line printed its error as JSON");
    assertTrue(all.err().contains(script + ":3: 'scan nosuch' exited 2"), all.err());
    assertTrue(all.err().contains(script + ":5: 'sacn' exited 2"), all.err());
    KittyRun.Result fast =
        KittyRun.run(KittyRun.env(home), "--json", "--fail-fast", "--batch", script.toString());
    assertEquals(2, fast.code());
    assertEquals(
        1, fast.jsonLines().stream().filter(d -> !d.has("error")).count(), "stopped at line 3");
  }

  @Test
  void everyDescriptionLineFitsTheHelpWidthSoNoSentenceBreaksMidLine() {
    Session s =
        new Session(
            KittyRun.env(home),
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(new StringWriter(), true),
            false);
    CommandLine root = Cli.build(s, KittyCommand.Globals.NONE);
    List<CommandLine> all = new java.util.ArrayList<>(List.of(root));
    for (int i = 0; i < all.size(); i++) {
      all.addAll(all.get(i).getSubcommands().values());
    }
    int width = root.getUsageHelpWidth();
    for (CommandLine c : all) {
      String[] lines = c.getCommandSpec().usageMessage().description();
      // The first line is the command's summary in `kitty help`: one sentence, wrapped by picocli.
      for (int i = 1; i < lines.length; i++) {
        assertTrue(
            lines[i].length() <= width,
            c.getCommandName()
                + " line "
                + (i + 1)
                + " is "
                + lines[i].length()
                + " wide: "
                + lines[i]);
      }
    }
  }

  @Test
  void theSameCommandRunTwiceOnOneTreeBehavesTheSame() {
    StringWriter out = new StringWriter();
    Session s =
        new Session(
            KittyRun.env(home),
            new PrintWriter(out, true),
            new PrintWriter(new StringWriter(), true),
            false);
    CommandLine cl = Cli.build(s, KittyCommand.Globals.NONE);
    assertEquals(0, cl.execute("families", "--explain", "--json"));
    String first = out.toString();
    out.getBuffer().setLength(0);
    assertEquals(0, cl.execute("families"));
    String human = out.toString();
    assertTrue(
        !human.startsWith("{") && human.contains("FAMILY"),
        "--json and --explain were reset: " + human);
    out.getBuffer().setLength(0);
    assertEquals(0, cl.execute("families", "--explain", "--json"));
    assertEquals(first, out.toString());
  }

  @Test
  void versionNeedsNoFamilies() {
    KittyRun.Result r = KittyRun.run(Map.of(), "--version");
    assertEquals(0, r.code());
    assertTrue(r.out().startsWith("kitty "), r.out());
  }

  @Test
  void tokenizerHandlesQuotesSemicolonsAndComments() {
    assertEquals(
        List.of(List.of("scan", "a b"), List.of("tree", "12"), List.of("x", "it's")),
        Tokenizer.commands("scan 'a b'; tree 12 # trailing\n x \"it's\""));
  }

  @Test
  void aOneShotCommandGetsOnlyItsOwnCommandAndAnythingElseTheWholeTree() {
    Session s =
        new Session(
            Map.of(),
            new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter()),
            false);
    int all = Cli.COMMANDS.size();
    assertEquals(
        List.of("scan"),
        List.copyOf(
            Cli.forArgs(s, KittyCommand.Globals.NONE, new String[] {"--json", "scan"})
                .getSubcommands()
                .keySet()));
    assertEquals(
        List.of("families"),
        List.copyOf(
            Cli.forArgs(
                    s,
                    KittyCommand.Globals.NONE,
                    new String[] {"--family-path", "scan", "families", "--explain"})
                .getSubcommands()
                .keySet()),
        "an option's value is not taken for the command");
    for (String[] args :
        List.of(
            new String[] {"sacn"},
            new String[] {"help", "scan"},
            new String[] {},
            new String[] {"--no-such-option", "scan"})) {
      assertEquals(
          all,
          Cli.forArgs(s, KittyCommand.Globals.NONE, args).getSubcommands().size(),
          List.of(args) + " gets the whole tree");
    }
    assertEquals(all, Cli.build(s, KittyCommand.Globals.NONE).getSubcommands().size());
  }

  @Test
  void aOneWordScriptThatIsACommandNameRunsAsTheScript() {
    KittyRun.Result r = KittyRun.run(KittyRun.env(home), "--json", "-c", "families");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("{\"families\":["), r.out());
  }
}
