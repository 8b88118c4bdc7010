package dev.kitty.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.engine.audit.JarAudit;
import java.io.File;
import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.MemberRefEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.StringEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The layout's rules, checked on the built jars (ADR 12, ADR 28). JPMS cannot enforce them (any
 * module may call {@code ProcessHandle.destroy}); this test does:
 *
 * <ul>
 *   <li>an FFM downcall (the {@code Linker}) is bound only in {@code internal/os};
 *   <li>the signal calls bound there ({@code LinuxSignalCalls}, {@code WinProcessApi}'s {@code
 *       terminate}, {@code suspend}, {@code resume}) are used only by {@code internal/signal};
 *   <li>{@code ProcessHandle.destroy*} and {@code Process.destroy*} only in {@code
 *       HandleSignaller}; a cgroup kill ({@code Containment.kill}) only from {@code
 *       internal/signal};
 *   <li>a {@code kill} or {@code taskkill} command nowhere (only {@code JarAudit}'s list of what to
 *       look for names them, and {@code internal/os} the C function it binds);
 *   <li>no package cycle in any kitty module; no internal package uses the facade package; the
 *       facade's values ({@code model}) use nothing else of the engine.
 * </ul>
 */
class ArchitectureIT {

  private static final String ENGINE = "dev/kitty/engine/internal/";
  private static final String OS = ENGINE + "os/";
  private static final String SIGNAL = ENGINE + "signal/";
  private static final String HANDLES = SIGNAL + "HandleSignaller";
  private static final String CONTAIN = ENGINE + "contain/";

  /** Every class file of kitty's own jars. */
  private static List<ClassModel> classes() throws IOException {
    List<ClassModel> out = new ArrayList<>();
    for (String entry : System.getProperty("kitty.module.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      List<Path> jars = Files.isDirectory(path) ? Files.list(path).toList() : List.of(path);
      for (Path jar : jars) {
        String name = jar.getFileName().toString();
        if ((name.startsWith("kitty-") || name.startsWith("family-")) && name.endsWith(".jar")) {
          try (JarFile jf = new JarFile(jar.toFile())) {
            for (var e : Collections.list(jf.entries())) {
              if (e.getName().endsWith(".class") && !e.getName().endsWith("module-info.class")) {
                out.add(ClassFile.of().parse(jf.getInputStream(e).readAllBytes()));
              }
            }
          }
        }
      }
    }
    return out;
  }

  /** Every reference of every class, as "Class: Owner.member" or "Class: Owner" or a string. */
  private static List<String> references() throws IOException {
    List<String> out = new ArrayList<>();
    for (ClassModel cm : classes()) {
      String cls = cm.thisClass().asInternalName();
      for (PoolEntry pe : cm.constantPool()) {
        switch (pe) {
          case MemberRefEntry m ->
              out.add(cls + ": " + m.owner().asInternalName() + "." + m.name().stringValue());
          case ClassEntry c -> out.add(cls + ": " + c.asInternalName());
          case StringEntry str -> out.add(cls + ": \"" + str.stringValue() + "\"");
          default -> {
            // nothing else names code
          }
        }
      }
    }
    return out;
  }

  private static String owner(String reference) {
    return reference.substring(0, reference.indexOf(':'));
  }

  private static String target(String reference) {
    return reference.substring(reference.indexOf(':') + 2);
  }

  @Test
  void nativeCallsLiveInOsSignalsGoOnlyThroughTheSignalPackageAndDestroyOnlyInTheFallback()
      throws IOException {
    List<String> all = references();
    Set<String> offenders = new TreeSet<>();
    for (String r : all) {
      String cls = owner(r);
      String what = target(r);
      if (what.equals("java/lang/foreign/Linker") && !cls.startsWith(OS)) {
        offenders.add("an FFM downcall outside internal/os: " + r);
      }
      boolean signalCall =
          what.startsWith(OS + "LinuxSignalCalls")
              || what.equals(OS + "WinProcessApi.terminate")
              || what.equals(OS + "WinProcessApi.suspend")
              || what.equals(OS + "WinProcessApi.resume");
      if (signalCall && !cls.startsWith(SIGNAL) && !cls.startsWith(OS)) {
        offenders.add("a signal call outside internal/signal: " + r);
      }
      // A cgroup kill (or freeze) is a signal to every process of a cell: only the gate decides it
      // (ADR 29).
      boolean cellKill =
          what.startsWith(CONTAIN) && (what.endsWith(".kill") || what.endsWith(".freeze"));
      if (cellKill && !cls.startsWith(SIGNAL) && !cls.startsWith(CONTAIN)) {
        offenders.add("a cgroup kill outside internal/signal: " + r);
      }
      boolean destroy =
          (what.startsWith("java/lang/ProcessHandle.destroy")
              || what.startsWith("java/lang/Process.destroy"));
      if (destroy && !cls.equals(HANDLES)) {
        offenders.add("destroy outside HandleSignaller: " + r);
      }
      // JarAudit holds the command names as the list of what to look for, and internal/os names
      // the C function kill(2) to bind it; neither runs a command.
      boolean killCommand = JarAudit.KILL_COMMANDS.contains(what.replace("\"", ""));
      if (killCommand
          && what.startsWith("\"")
          && !cls.equals("dev/kitty/engine/audit/JarAudit")
          && !cls.startsWith(OS)) {
        offenders.add("a kill command: " + r);
      }
    }
    assertEquals(Set.of(), offenders, "the layout's rules (ADR 28)");
    // The scan sees what it is looking for: each rule's allowed use is found.
    assertTrue(
        all.contains(HANDLES + ": java/lang/ProcessHandle.destroy"), "the fallback's destroy");
    assertTrue(all.contains(OS + "LinuxSignalCalls: java/lang/foreign/Linker"), "the binding");
    assertTrue(
        all.stream()
            .anyMatch(r -> owner(r).equals(SIGNAL + "PidfdSignaller") && target(r).startsWith(OS)),
        "the pidfd signaller uses the binding");
    assertTrue(
        all.contains(SIGNAL + "CellKill: " + CONTAIN + "Containment.kill"), "the gate's cell kill");
  }

  @Test
  void theGateStillFindsEveryPrimitiveInADropInJar() throws IOException {
    // JarAudit (the drop-in check) keeps its full strength: on kitty's own jars it finds the
    // primitives where the layout allows them.
    List<String> found = new ArrayList<>();
    for (String entry : System.getProperty("kitty.module.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      List<Path> jars = Files.isDirectory(path) ? Files.list(path).toList() : List.of(path);
      for (Path jar : jars) {
        if (jar.getFileName().toString().startsWith("kitty-engine")
            && jar.toString().endsWith(".jar")) {
          found.addAll(JarAudit.signallingReferences(jar));
        }
      }
    }
    assertTrue(found.stream().anyMatch(r -> r.startsWith(HANDLES + ": java/lang/ProcessHandle")));
    assertTrue(
        found.stream()
            .anyMatch(r -> r.startsWith(OS + "LinuxSignalCalls: java/lang/foreign/Linker")));
  }

  private static String packageOf(String internalName) {
    int slash = internalName.lastIndexOf('/');
    return slash < 0 ? "" : internalName.substring(0, slash);
  }

  /** A kitty type as a descriptor or signature names it: {@code Ldev/kitty/…;} or {@code …<}. */
  private static final Pattern DESCRIBED_TYPE = Pattern.compile("L(dev/kitty/[\\w/$]+)[;<]");

  /** Which of kitty's packages each of kitty's packages uses. */
  private static Map<String, Set<String>> packageGraph() throws IOException {
    Map<String, Set<String>> graph = new TreeMap<>();
    for (ClassModel cm : classes()) {
      String from = packageOf(cm.thisClass().asInternalName());
      Set<String> to = graph.computeIfAbsent(from, k -> new TreeSet<>());
      for (PoolEntry pe : cm.constantPool()) {
        // Class references, and every type in a descriptor or generic signature (a parameter,
        // a field's type, an array's element type), which name no class entry of their own.
        List<String> named = new ArrayList<>();
        if (pe instanceof ClassEntry c && !c.asInternalName().startsWith("[")) {
          named.add(c.asInternalName());
        } else if (pe instanceof Utf8Entry u) {
          Matcher m = DESCRIBED_TYPE.matcher(u.stringValue());
          while (m.find()) {
            named.add(m.group(1));
          }
        }
        for (String n : named) {
          String target = packageOf(n);
          if (target.startsWith("dev/kitty/") && !target.equals(from)) {
            to.add(target);
          }
        }
      }
    }
    return graph;
  }

  /** The strongly connected components of more than one package: each is a cycle (Tarjan). */
  static List<Set<String>> cycles(Map<String, Set<String>> graph) {
    List<Set<String>> out = new ArrayList<>();
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new HashSet<>();
    for (String v : graph.keySet()) {
      if (!index.containsKey(v)) {
        connect(v, graph, index, low, stack, onStack, out);
      }
    }
    return out;
  }

  private static void connect(
      String v,
      Map<String, Set<String>> graph,
      Map<String, Integer> index,
      Map<String, Integer> low,
      Deque<String> stack,
      Set<String> onStack,
      List<Set<String>> out) {
    index.put(v, index.size());
    low.put(v, index.get(v));
    stack.push(v);
    onStack.add(v);
    for (String w : graph.getOrDefault(v, Set.of())) {
      if (!graph.containsKey(w)) {
        continue;
      }
      if (!index.containsKey(w)) {
        connect(w, graph, index, low, stack, onStack, out);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> component = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      if (component.size() > 1) {
        out.add(component);
      }
    }
  }

  @Test
  void noPackageCycleAndTheFacadeSitsOnTopOfItsServices() throws IOException {
    Map<String, Set<String>> graph = packageGraph();
    assertEquals(List.of(), cycles(graph), "package cycles (ADR 28)");
    Set<String> offenders = new TreeSet<>();
    graph.forEach(
        (from, to) -> {
          if (from.startsWith("dev/kitty/engine/internal") && to.contains("dev/kitty/engine")) {
            offenders.add(from + " uses the facade package");
          }
          if (from.equals("dev/kitty/engine/model")) {
            to.stream()
                .filter(t -> t.startsWith("dev/kitty/engine"))
                .forEach(t -> offenders.add("model uses " + t));
          }
        });
    assertEquals(Set.of(), offenders, "the engine's layering (ADR 28)");
    // The scan sees the graph: the facade uses its services, the shell the facade; a type that
    // appears only in a descriptor (Kitty.of's Signaller parameter) is an edge too.
    assertTrue(graph.get("dev/kitty/engine").contains("dev/kitty/engine/internal/wiring"));
    assertTrue(graph.get("dev/kitty/engine").contains("dev/kitty/engine/internal/signal"));
    assertTrue(graph.get("dev/kitty/shell").contains("dev/kitty/engine"));
  }

  @Test
  void theCycleFinderFindsACycle() {
    // The rule above can fail: a two-package loop and a three-package loop are both found.
    Map<String, Set<String>> graph = new TreeMap<>();
    graph.put("a", Set.of("b"));
    graph.put("b", Set.of("a", "c"));
    graph.put("c", Set.of("d"));
    graph.put("d", Set.of("e"));
    graph.put("e", Set.of("c"));
    assertEquals(List.of(Set.of("c", "d", "e"), Set.of("a", "b")), cycles(graph));
  }
}
