package dev.kitty.shell.command;

import dev.kitty.engine.Kitty;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.FamilyJar;
import dev.kitty.engine.model.KittyException;
import dev.kitty.engine.model.Rejection;
import dev.kitty.shell.render.Ansi;
import dev.kitty.shell.render.ReportJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kitty family verify JAR} and {@code kitty family new ID}: a family author's two commands
 * (ADR 35). {@code verify} loads the jar as a drop-in is loaded and runs the family test kit on
 * every family in it; {@code new} writes a project that builds, passes the kit and loads.
 */
@Command(
    name = "family",
    description = "Write a new family project, or prove a family jar safe.",
    subcommands = {FamilyCommand.Verify.class, FamilyCommand.New.class})
public final class FamilyCommand implements Callable<Integer> {

  @ParentCommand KittyCommand root;

  @Override
  public Integer call() {
    throw new KittyException.Usage("say what: kitty family verify JAR, or kitty family new ID");
  }

  /**
   * {@code kitty family verify JAR}: exit 0 when every family of the jar keeps every rule, 1 when
   * one broke a rule (the report names it, with a shrunk counterexample), 2 when kitty would refuse
   * the jar or a family in it (why, as {@code families} would list it).
   */
  @Command(
      name = "verify",
      description =
          "Run the family test kit on every family of a jar: generated worlds, the engine's rules.")
  public static final class Verify implements Callable<Integer> {
    @ParentCommand FamilyCommand parent;

    @Parameters(paramLabel = "JAR", description = "The family jar, as it would be dropped in.")
    Path jar;

    @Option(
        names = "--examples",
        paramLabel = "N",
        description = "Worlds of each kind to try (default 100).")
    int examples = 100;

    @Option(
        names = "--seed",
        paramLabel = "S",
        description = "The seed of the worlds: the same seed tries the same worlds.")
    long seed =
        20_261_203L; // the kit's FamilyVerifier.DEFAULT_SEED: the shell does not link the kit

    @Override
    public Integer call() {
      KittyCommand root = parent.root;
      if (examples < 1) {
        throw new KittyException.Usage("--examples must be at least 1, got " + examples);
      }
      FamilyJar loaded = Kitty.readFamilyJar(jar);
      List<FamilyKitLayer.Verified> results = new ArrayList<>();
      if (!loaded.families().isEmpty()) {
        FamilyKitLayer kit;
        try {
          kit = FamilyKitLayer.load(examples, seed);
        } catch (IllegalStateException e) {
          throw new KittyException.Failed(e.getMessage());
        }
        for (FamilyInfo f : loaded.families()) {
          results.add(kit.verify(f.family()));
        }
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new KittyException.Failed("family verify was cancelled: no verdict");
      }
      // Safe only as a whole: a jar kitty would refuse in part does not load as it is.
      boolean passed =
          !results.isEmpty()
              && loaded.rejected().isEmpty()
              && results.stream().allMatch(FamilyKitLayer.Verified::passed);
      int code =
          !loaded.rejected().isEmpty() || loaded.families().isEmpty()
              ? ExitCodes.USAGE
              : passed ? ExitCodes.OK : ExitCodes.FAILED;
      PrintWriter out = root.out();
      if (root.jsonOutput()) {
        var doc = ReportJson.object().put("jar", loaded.jar().toString()).put("passed", passed);
        doc.set(
            "families",
            ReportJson.value(results.stream().map(FamilyKitLayer.Verified::json).toList()));
        doc.set("rejected", ReportJson.rejections(loaded.rejected()));
        out.println(ReportJson.write(doc));
        return code;
      }
      Ansi ansi = root.ansi();
      for (Rejection r : loaded.rejected()) {
        out.println(
            ansi.paint("31", "rejected")
                + " "
                + (r.id() == null ? r.source() : r.id() + " (" + r.source() + ")")
                + ": "
                + r.reason());
      }
      if (loaded.families().isEmpty()) {
        out.println("kitty: " + loaded.jar() + " gives no family that kitty would load");
      }
      results.forEach(v -> out.print(v.text()));
      if (!results.isEmpty()) {
        out.println(
            ansi.dim(
                "(a jar carries no samples of its daemons: look-alikes here are generic; the"
                    + " family's own build gives the kit its samples, ADR 35)"));
      }
      return code;
    }
  }

  /**
   * {@code kitty family new ID}: writes {@code family-ID/} (or {@code --dir}): a Maven project with
   * {@code module-info.java}, the family class, and a test that runs the kit. {@code mvn verify} in
   * it builds the jar and proves it safe; the jar drops into the family folder as it is.
   */
  @Command(name = "new", description = "Write a new family project that builds and passes the kit.")
  public static final class New implements Callable<Integer> {
    @ParentCommand FamilyCommand parent;

    @Parameters(paramLabel = "ID", description = "The family's id: lower-case letters and digits.")
    String id;

    @Option(
        names = "--dir",
        paramLabel = "DIR",
        description = "Where to write the project (default: family-ID in the current folder).")
    Path dir;

    @Option(
        names = "--range",
        paramLabel = "FROM-TO",
        description = "The port range it reserves, half-open (default 8700-8710).")
    String range = "8700-8710";

    @Override
    public Integer call() {
      KittyCommand root = parent.root;
      Path to =
          dir != null
              ? dir
              : Path.of(root.session().env().getOrDefault("PWD", ".")).resolve("family-" + id);
      if (root.kitty().families().stream().anyMatch(f -> f.builtin() && f.id().equals(id))) {
        throw new KittyException.Usage(
            "family id \"" + id + "\" is a built-in family's: kitty would refuse the jar");
      }
      if (java.nio.file.Files.exists(to) && !java.nio.file.Files.isDirectory(to)) {
        throw new KittyException.Usage(
            to + " is a file: kitty family new writes into a new folder");
      }
      List<Path> written;
      try {
        written = FamilyProject.write(to, id, range, kittyVersion());
      } catch (IllegalArgumentException e) {
        throw new KittyException.Usage(e.getMessage());
      } catch (IOException e) {
        throw new KittyException.Failed(
            "cannot write the project in " + to + ": " + e.getMessage());
      }
      PrintWriter out = root.out();
      if (root.jsonOutput()) {
        var doc = ReportJson.object().put("project", to.toAbsolutePath().normalize().toString());
        doc.set("files", ReportJson.value(written.stream().map(Path::toString).toList()));
        out.println(ReportJson.write(doc));
        return ExitCodes.OK;
      }
      out.println("family " + id + ": a new project in " + to.toAbsolutePath().normalize());
      written.forEach(p -> out.println("  " + p));
      out.println(
          "next: cd " + to + " && mvn verify   (builds the jar and runs the family test kit)");
      out.println(
          "then: cp target/family-"
              + id
              + "-0.1.0.jar ~/.config/kitty/families/   (a running kitty shell loads it at once)");
      return ExitCodes.OK;
    }

    private static String kittyVersion() {
      var d = FamilyCommand.class.getModule().getDescriptor();
      return d == null ? "0.1.0-SNAPSHOT" : d.rawVersion().orElse("0.1.0-SNAPSHOT");
    }
  }
}
