package dev.kitty.shell.command;

import dev.kitty.api.Family;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolutionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The family test kit, loaded for {@code kitty family verify} into a module layer of its own (ADR
 * 35): the kit and QuickTheories are not in kitty's runtime image (QuickTheories is an automatic
 * module, which jlink cannot link), so the distribution carries them in {@code kit/} and a
 * development build in {@code kitty-shell/target/kit}. The kit is called through its exported API,
 * by reflection: the shell does not compile against it.
 */
final class FamilyKitLayer {

  /** One family's verification, as the kit reported it. */
  record Verified(boolean passed, String text, Map<String, Object> json) {}

  private final Object verifier;

  private FamilyKitLayer(Object verifier) {
    this.verifier = verifier;
  }

  /**
   * The kit in {@code folder} ({@code -Dkitty.kit.path}, else {@code kit/} beside the shell's jar),
   * ready to try {@code examples} worlds of each kind from {@code seed}.
   *
   * @throws IllegalStateException naming the folder and what is missing
   */
  static FamilyKitLayer load(int examples, long seed) {
    Path folder = folder();
    if (folder == null || !Files.isDirectory(folder)) {
      throw new IllegalStateException(
          "the family test kit is not installed"
              + (folder == null ? "" : " (no folder " + folder + ")")
              + ": build kitty (./build install) or set -Dkitty.kit.path");
    }
    try {
      ModuleFinder finder = ModuleFinder.of(folder);
      Configuration cf =
          ModuleLayer.boot()
              .configuration()
              // The kit folder is the *after* finder: kitty's own modules (the API, the engine)
              // always come from the boot layer, so a Family is the same type on both sides.
              .resolve(ModuleFinder.of(), finder, Set.of("dev.kitty.familykit"));
      ModuleLayer layer =
          ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getSystemClassLoader());
      Class<?> type =
          layer.findLoader("dev.kitty.familykit").loadClass("dev.kitty.familykit.FamilyVerifier");
      return new FamilyKitLayer(
          type.getConstructor(int.class, long.class).newInstance(examples, seed));
    } catch (FindException | ResolutionException | ReflectiveOperationException e) {
      throw new IllegalStateException(
          "the family test kit in " + folder + " cannot be loaded: " + e.getMessage(), e);
    }
  }

  /** Runs the kit on {@code family}. */
  @SuppressWarnings("unchecked")
  Verified verify(Family family) {
    try {
      Object report =
          verifier.getClass().getMethod("verify", Family.class).invoke(verifier, family);
      Class<?> r = report.getClass();
      return new Verified(
          (boolean) r.getMethod("passed").invoke(report),
          (String) r.getMethod("render").invoke(report),
          (Map<String, Object>) r.getMethod("json").invoke(report));
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw new IllegalStateException(
          "the family test kit failed on " + family.id() + ": " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the family test kit cannot be called: " + e, e);
    }
  }

  private static Path folder() {
    String given = System.getProperty("kitty.kit.path");
    if (given != null && !given.isBlank()) {
      return Path.of(given);
    }
    var source = FamilyKitLayer.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return null;
    }
    if (!"file".equals(source.getLocation().getProtocol())) {
      return null; // linked into a runtime image (jrt:): its launcher sets kitty.kit.path
    }
    try {
      Path jar = Path.of(source.getLocation().toURI());
      return jar.getParent() == null ? null : jar.getParent().resolve("kit");
    } catch (java.net.URISyntaxException
        | IllegalArgumentException
        | java.nio.file.FileSystemNotFoundException notAFile) {
      return null;
    }
  }
}
