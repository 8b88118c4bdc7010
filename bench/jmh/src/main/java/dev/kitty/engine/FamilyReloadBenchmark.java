package dev.kitty.engine;

import dev.kitty.engine.model.KittyOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A running shell's two costs of live families (ADR 33): the look at the family folders before each
 * command when nothing changed, and the load of one jar dropped in (a module layer of its own, the
 * jar's audit, its family validated; the built-ins reused). The jar is the example family's ({@code
 * -Dkitty.bench.family.jar}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FamilyReloadBenchmark {

  static Path jar() {
    return Path.of(System.getProperty("kitty.bench.family.jar"));
  }

  static Kitty open(Path folder) throws IOException {
    Path home = folder.getParent();
    Map<String, String> env =
        Map.of(
            "KITTY_STATE_DIR",
            home.resolve("state").toString(),
            "XDG_CONFIG_HOME",
            home.resolve("config").toString());
    return Kitty.open(KittyOptions.resolve(env, null, List.of(folder), null));
  }

  static void copySettled(Path to) throws IOException {
    Files.copy(jar(), to);
    Files.setLastModifiedTime(to, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
  }

  /** A session with one drop-in loaded, whose folder does not change. */
  @State(Scope.Benchmark)
  public static class Unchanged {
    Kitty kitty;

    @Setup
    public void open() throws IOException {
      Path folder =
          Files.createDirectories(Files.createTempDirectory("kitty-bench").resolve("families"));
      copySettled(folder.resolve("jupyter.jar"));
      kitty = FamilyReloadBenchmark.open(folder);
      if (kitty.familyFoldersChanged()) {
        throw new IllegalStateException("the folder changed under the benchmark");
      }
    }
  }

  /** A session with no drop-in, and before each invocation one jar under a new name. */
  @State(Scope.Benchmark)
  public static class Dropped {
    Path folder;
    Kitty kitty;
    int n;

    @Setup
    public void open() throws IOException {
      folder =
          Files.createDirectories(Files.createTempDirectory("kitty-bench").resolve("families"));
      kitty = FamilyReloadBenchmark.open(folder);
    }

    @Setup(Level.Invocation)
    public void dropIn() throws IOException {
      copySettled(folder.resolve("dropped-" + n++ + ".jar"));
    }

    @TearDown(Level.Invocation)
    public void remove() throws IOException {
      try (var files = Files.list(folder)) {
        for (Path p : files.toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /** The look before each command of a shell: nothing changed. */
  @Benchmark
  public boolean checkUnchangedFolders(Unchanged s) {
    return s.kitty.familyFoldersChanged();
  }

  /** One jar dropped in, loaded into the running session's engine. */
  @Benchmark
  public Kitty loadOneDroppedInJar(Dropped s) {
    Kitty next = s.kitty.withFamiliesReloaded();
    if (next.families().stream().noneMatch(f -> f.id().equals("jupyter"))) {
      throw new IllegalStateException("the dropped-in family did not load: " + next.rejected());
    }
    return next;
  }
}
