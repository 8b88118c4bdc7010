package dev.kitty.engine.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.MemberRefEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.StringEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;

/**
 * Finds references to signalling primitives in compiled classes: {@code ProcessHandle.destroy*},
 * {@code Process.destroy*}, the FFM {@code Linker} (native calls such as {@code kill}), and the
 * strings {@code kill}, {@code taskkill}, {@code pkill}, {@code killall}, {@code fuser} (commands
 * to run). Only the engine's {@code SignalGate} may have any; the loader refuses a drop-in family
 * jar that does, and kitty's architecture test holds its own jars to the same rule.
 *
 * <p>Stability: experimental.
 */
public final class JarAudit {

  /** The commands that signal processes by name or pid, which no kitty class may run. */
  public static final Set<String> KILL_COMMANDS =
      Set.of("kill", "taskkill", "pkill", "killall", "fuser");

  private JarAudit() {}

  /**
   * Every signalling reference in {@code jar}, as {@code "internal/ClassName: what"}.
   *
   * @throws UncheckedIOException when the jar cannot be read
   * @throws IllegalArgumentException when a class file in it is malformed
   */
  public static List<String> signallingReferences(Path jar) {
    List<String> out = new ArrayList<>();
    try (JarFile jf = new JarFile(jar.toFile())) {
      for (var e : Collections.list(jf.entries())) {
        if (e.getName().endsWith(".class") && !e.getName().endsWith("module-info.class")) {
          scan(ClassFile.of().parse(jf.getInputStream(e).readAllBytes()), out);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static void scan(ClassModel cm, List<String> out) {
    String cls = cm.thisClass().asInternalName();
    for (PoolEntry pe : cm.constantPool()) {
      switch (pe) {
        case MemberRefEntry m when isDestroy(m) ->
            out.add(cls + ": " + m.owner().asInternalName() + "." + m.name().stringValue());
        case ClassEntry c when c.asInternalName().equals("java/lang/foreign/Linker") ->
            out.add(cls + ": " + c.asInternalName());
        case StringEntry s when KILL_COMMANDS.contains(s.stringValue()) ->
            out.add(cls + ": \"" + s.stringValue() + "\"");
        default -> {
          // anything else is not a way to signal a process
        }
      }
    }
  }

  private static boolean isDestroy(MemberRefEntry m) {
    String owner = m.owner().asInternalName();
    return (owner.equals("java/lang/ProcessHandle") || owner.equals("java/lang/Process"))
        && m.name().stringValue().startsWith("destroy");
  }
}
