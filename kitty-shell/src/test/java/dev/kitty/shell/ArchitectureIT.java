package dev.kitty.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.engine.JarAudit;
import java.io.File;
import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.MemberRefEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.StringEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
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
 *       HandleSignaller};
 *   <li>a {@code kill} or {@code taskkill} command nowhere (only {@code JarAudit}'s list of what to
 *       look for names them, and {@code internal/os} the C function it binds).
 * </ul>
 */
class ArchitectureIT {

  private static final String ENGINE = "dev/kitty/engine/internal/";
  private static final String OS = ENGINE + "os/";
  private static final String SIGNAL = ENGINE + "signal/";
  private static final String HANDLES = SIGNAL + "HandleSignaller";

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
          && !cls.equals("dev/kitty/engine/JarAudit")
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
}
