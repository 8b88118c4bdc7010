package dev.kitty.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.engine.JarAudit;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The one-gate rule, checked on the built jars: no class of kitty but {@code SignalGate} (and its
 * nested classes) references a signalling primitive — {@code ProcessHandle.destroy*}, {@code
 * Process.destroy*}, the FFM {@code Linker}, or a {@code kill}/{@code taskkill} command. JPMS
 * cannot enforce this (any module may call {@code ProcessHandle.destroy}); this test does.
 */
class ArchitectureIT {

  private static final String GATE = "dev/kitty/engine/internal/signal/SignalGate";

  /** Every signalling reference in kitty's own jars, as "Class: what". */
  private static List<String> references() throws IOException {
    List<String> out = new ArrayList<>();
    for (String entry : System.getProperty("kitty.module.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      List<Path> jars = Files.isDirectory(path) ? Files.list(path).toList() : List.of(path);
      for (Path jar : jars) {
        String name = jar.getFileName().toString();
        if ((name.startsWith("kitty-") || name.startsWith("family-")) && name.endsWith(".jar")) {
          out.addAll(JarAudit.signallingReferences(jar));
        }
      }
    }
    return out;
  }

  @Test
  void onlyTheSignalGateReferencesSignallingPrimitives() throws IOException {
    List<String> all = references();
    Set<String> offenders = new TreeSet<>();
    for (String r : all) {
      String cls = r.substring(0, r.indexOf(':'));
      // JarAudit holds the command names as the list of what to look for; it runs nothing.
      boolean auditorsList = cls.equals("dev/kitty/engine/JarAudit") && r.contains(": \"");
      if (!cls.equals(GATE) && !cls.startsWith(GATE + "$") && !auditorsList) {
        offenders.add(r);
      }
    }
    assertEquals(Set.of(), offenders, "only SignalGate may signal");
    // The scan sees what it is looking for: the gate's own primitives are found.
    assertTrue(
        all.stream()
            .anyMatch(r -> r.startsWith(GATE + "$Handles: java/lang/ProcessHandle.destroy")),
        all.toString());
    assertTrue(
        all.stream().anyMatch(r -> r.startsWith(GATE + "$Pidfd: java/lang/foreign/Linker")),
        all.toString());
  }
}
