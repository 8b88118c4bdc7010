package dev.kitty.engine.internal.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.kitty.api.PortRange;
import dev.kitty.engine.model.KittyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stack files (issue 7): both formats, start order, and every refusal naming file and line. */
class StackFileTest {

  static final PortRange RANGE = new PortRange(3000, 3100);

  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  private String refusal(String name, String text) throws Exception {
    Path f = write(name, text);
    return assertThrows(KittyException.BadInput.class, () -> StackFile.read(f, RANGE)).getMessage();
  }

  @Test
  void aProcfileIsReadAsForemanReadsIt() throws Exception {
    Path f =
        write(
            "Procfile",
            "# the stack\nweb: node server.js --port $PORT\n\nworker:   node worker.js\r\n");
    StackFile s = StackFile.read(f, RANGE);
    assertEquals(List.of("web", "worker"), s.services().stream().map(StackService::name).toList());
    assertEquals("node server.js --port $PORT", s.services().getFirst().command());
    assertEquals(2, s.services().getFirst().line());
    assertEquals(Duration.ofSeconds(5), s.services().getFirst().stopGrace());
  }

  @Test
  void aStackFileStartsDependenciesFirst() throws Exception {
    Path f =
        write(
            "kitty-stack.json",
            """
            {"services": {
              "web": {"command": "node web.js", "port": 3001, "health": "/health",
                      "depends_on": ["api"], "env": {"MODE": "dev"}, "stop_grace": 2},
              "api": {"command": "node api.js", "port": 3002, "depends_on": ["db"],
                      "cwd": "api", "max_processes": 20, "max_rss_mb": 512},
              "db":  {"command": "node db.js"}
            }}
            """);
    StackFile s = StackFile.read(f, RANGE);
    assertEquals(
        List.of("db", "api", "web"), s.services().stream().map(StackService::name).toList());
    StackService web = s.services().get(2);
    assertEquals(3001, web.port());
    assertEquals("/health", web.healthPath());
    assertEquals(Map.of("MODE", "dev"), web.env());
    assertEquals(Duration.ofSeconds(2), web.stopGrace());
    StackService api = s.services().get(1);
    assertEquals("api", api.cwd());
    assertEquals(20, api.maxProcesses());
    assertEquals(512L * 1024 * 1024, api.maxRssBytes());
  }

  @Test
  void badInputIsRefusedNamingTheFileTheLineAndTheFault() throws Exception {
    String malformed = refusal("Procfile", "web: node a.js\nthis line has no colon\n");
    assertTrue(malformed.matches("stack file .*Procfile:2: not \"name: command\".*"), malformed);
    assertTrue(refusal("Procfile", "web:\n").endsWith("Procfile:1: service web has no command"));
    assertTrue(refusal("Procfile", "# nothing\n").endsWith("defines no service"));
    assertTrue(
        refusal("Procfile", "web: a\nweb: b\n")
            .endsWith("Procfile:2: service web is defined twice"));
    assertTrue(refusal("Procfile", "../x: a\n").contains("service name \"../x\" is not allowed"));

    String cycle =
        refusal(
            "kitty-stack.json",
            """
            {"services": {"a": {"command": "x", "depends_on": ["b"]},
                          "b": {"command": "x", "depends_on": ["c"]},
                          "c": {"command": "x", "depends_on": ["a"]}}}
            """);
    assertTrue(cycle.endsWith("dependency cycle: a -> b -> c -> a"), cycle);
    assertTrue(
        refusal(
                "kitty-stack.json",
                "{\"services\": {\"a\": {\"command\": \"x\", \"depends_on\": [\"nope\"]}}}")
            .endsWith("service a depends on \"nope\", which the file does not define"));
    String outside =
        refusal(
            "kitty-stack.json", "{\"services\": {\"a\": {\"command\": \"x\", \"port\": 8080}}}");
    assertTrue(outside.contains("port 8080 is outside the devstack range [3000, 3100)"), outside);
    assertTrue(
        refusal(
                "kitty-stack.json",
                "{\"services\": {\"a\": {\"command\": \"x\", \"port\": 3001},"
                    + " \"b\": {\"command\": \"y\", \"port\": 3001}}}")
            .endsWith("services.b: port 3001 is also a's"));
    assertTrue(
        refusal("kitty-stack.json", "{\"services\": {\"a\": {\"command\": \"x\", \"prot\": 1}}}")
            .contains("services.a: unknown key \"prot\""));
    assertTrue(
        refusal("kitty-stack.json", "{\"services\": {\"a\": {\"cmd\": \"x\"}}}")
            .contains("unknown key \"cmd\""));
    String json =
        refusal("kitty-stack.json", "{\"services\": {\n  \"a\": {\"command\": \"x\",}\n}}");
    assertTrue(json.contains("kitty-stack.json:2: not valid JSON"), json);
    assertTrue(
        refusal(
                "kitty-stack.json",
                "{\"services\": {\"a\": {\"command\": \"x\", \"health\": \"x\"}}}")
            .contains("services.a.health must be an HTTP path"));
    Path missing = dir.resolve("nope.json");
    assertTrue(
        assertThrows(KittyException.BadInput.class, () -> StackFile.read(missing, RANGE))
            .getMessage()
            .contains("cannot be read"));
  }

  /** Whatever the file's order, every service starts after everything it depends on. */
  @Test
  void theStartOrderRespectsEveryDependencyOfAnyAcyclicStack() {
    qt().withExamples(500)
        .forAll(longs().all())
        .checkAssert(
            seed -> {
              Random r = new Random(seed);
              int n = 1 + r.nextInt(12);
              List<StackService> services = new ArrayList<>();
              for (int i = 0; i < n; i++) {
                List<String> deps = new ArrayList<>();
                for (int j = 0; j < i; j++) {
                  if (r.nextInt(3) == 0) {
                    deps.add("s" + j);
                  }
                }
                services.add(
                    new StackService(
                        "s" + i,
                        "x",
                        null,
                        Map.of(),
                        0,
                        null,
                        deps,
                        Duration.ofSeconds(1),
                        0,
                        0,
                        0,
                        null,
                        i));
              }
              Collections.shuffle(services, r);
              List<StackService> order = StackFile.order(Path.of("kitty-stack.json"), services);
              assertEquals(n, order.size());
              Map<String, Integer> at = new HashMap<>();
              for (int i = 0; i < order.size(); i++) {
                at.put(order.get(i).name(), i);
              }
              for (StackService s : order) {
                for (String d : s.dependsOn()) {
                  assertTrue(at.get(d) < at.get(s.name()), d + " after " + s.name() + ": " + order);
                }
              }
            });
  }

  @Test
  void theProgramOfACommandLineIsFoundPastPrefixesAndLeftToTheShellWhereItDecides() {
    assertEquals("node", StackFile.program("node server.js"));
    assertEquals("node", StackFile.program("exec node server.js"));
    assertEquals("node", StackFile.program("NODE_ENV=dev PORT=1 env -i nohup node x.js"));
    assertEquals("./bin/api", StackFile.program("  ./bin/api --port 3000"));
    assertEquals(null, StackFile.program("cd web && npm run dev"));
    assertEquals(null, StackFile.program("$RUNNER serve"));
    assertEquals(null, StackFile.program("'my tool' serve"));
    assertEquals(null, StackFile.program("echo hi; node x"));
  }

  @Test
  void aCommandThatIsNotThereIsRefusedWithTheFileAndLineBeforeAnythingStarts(@TempDir Path dir)
      throws Exception {
    Path procfile = dir.resolve("Procfile");
    Files.writeString(procfile, "# stack\napi: sh -c 'sleep 1'\nweb: ./missing --port 3001\n");
    StackFile stack = StackFile.read(procfile, new PortRange(3000, 3100));
    KittyException.BadInput e =
        assertThrows(
            KittyException.BadInput.class,
            () -> StackFile.checkCommands(stack, Map.of("PATH", "/usr/bin:/bin")));
    assertEquals(
        "stack file " + procfile + ":3: service web: command \"./missing\" not found in " + dir,
        e.getMessage());
    Path missing = dir.resolve("missing");
    Files.writeString(missing, "#!/bin/sh\n");
    missing.toFile().setExecutable(true);
    StackFile.checkCommands(stack, Map.of("PATH", "/usr/bin:/bin"));
  }
}
