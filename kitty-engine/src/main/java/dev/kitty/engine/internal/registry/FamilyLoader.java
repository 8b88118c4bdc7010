package dev.kitty.engine.internal.registry;

import dev.kitty.api.Family;
import dev.kitty.api.PortRange;
import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.Rejection;
import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads families: built-ins through {@link ServiceLoader} from the boot layer, then every jar of
 * the family folders in its own child {@link ModuleLayer}, so that two drop-ins never share a class
 * loader and a broken one cannot take the others down. The API module stays in the boot layer, so
 * every family implements the same {@link Family} type.
 */
public final class FamilyLoader {

  private static final Logger LOG = LoggerFactory.getLogger(FamilyLoader.class);

  private FamilyLoader() {}

  /** Loads and validates all families; never throws for a bad family or jar. */
  public static FamilyRegistry load(List<Path> familyPaths, KittyConfig config) {
    return load(familyPaths, config, LoadedJars.NONE).registry();
  }

  /**
   * What one load found (ADR 33): the families, the folders as they were, the jars loaded (for the
   * next load to reuse), and whether a jar was still being written (then the next look loads
   * again).
   *
   * @param registry the accepted and rejected families
   * @param folders the family folders as this load saw them
   * @param jars each jar loaded, by its path, size and time
   * @param pending whether a jar was left for later (being written, or unreadable while new)
   */
  public record Loaded(
      FamilyRegistry registry, FamilyFolders folders, LoadedJars jars, boolean pending) {}

  /**
   * The families each jar gave (or why it gave none), by the jar's path, size and time: a later
   * load reuses an unchanged jar's layer instead of making another, so a family that did not change
   * is the same object, and only what changed is loaded again.
   */
  public static final class LoadedJars {
    /** Nothing loaded yet. */
    public static final LoadedJars NONE = new LoadedJars(null, java.util.Map.of());

    private final JarResult builtins;
    private final java.util.Map<FamilyFolders.Jar, JarResult> byJar;

    private LoadedJars(JarResult builtins, java.util.Map<FamilyFolders.Jar, JarResult> byJar) {
      this.builtins = builtins;
      this.byJar = java.util.Map.copyOf(byJar);
    }

    /** The built-ins only: a forced reload reads every jar again (a changed permission, say). */
    public LoadedJars builtinsOnly() {
      return new LoadedJars(builtins, java.util.Map.of());
    }

    /** What the jar at {@code path} gave, whatever its size and time then; null if none. */
    private java.util.Map.Entry<FamilyFolders.Jar, JarResult> at(Path path) {
      return byJar.entrySet().stream()
          .filter(e -> e.getKey().path().equals(path))
          .findFirst()
          .orElse(null);
    }
  }

  private record JarResult(List<Candidate> candidates, List<Rejection> rejections) {}

  /** How new an unreadable jar may be and still be taken for one being written (retried). */
  private static final long UNREADABLE_RETRY_MILLIS = 60_000;

  /**
   * Loads and validates all families as {@link #load(List, KittyConfig)}, reusing what {@code
   * before} loaded from jars that did not change; never throws for a bad family or jar.
   */
  public static Loaded load(List<Path> familyPaths, KittyConfig config, LoadedJars before) {
    List<Rejection> rejected = new ArrayList<>();
    JarResult builtIn = before.builtins != null ? before.builtins : builtins();
    rejected.addAll(builtIn.rejections());
    List<Candidate> builtins = builtIn.candidates();
    Set<String> reserved = new HashSet<>();
    for (Candidate c : builtins) {
      reserved.add(c.id);
    }
    FamilyValidator validator = new FamilyValidator(reserved);
    for (Candidate c : builtins) {
      admit(c, config, validator, rejected);
    }
    jars(familyPaths, rejected); // for its word on a folder that cannot be read
    FamilyFolders folders = FamilyFolders.of(familyPaths);
    java.util.Map<FamilyFolders.Jar, JarResult> loaded = new java.util.LinkedHashMap<>();
    boolean pending = false;
    long now = System.currentTimeMillis();
    // Only a reload waits for a jar to settle: at start, a jar copied a moment before the command
    // is the one the user means (and a broken one is rejected as broken).
    boolean live = before != LoadedJars.NONE;
    for (FamilyFolders.Jar jar : folders.jars()) {
      String source = "plugin:" + jar.path();
      if (live && jar.settling(now)) {
        // Its size or time changed a moment ago: a copy may still be under way. What the path
        // gave before stays loaded meanwhile, so a replaced family is never missing in between.
        rejected.add(
            new Rejection(source, null, "being written (changed in the last 2 s), retried"));
        pending = true;
        keepPrevious(before, jar, loaded, rejected, config, validator);
        continue;
      }
      JarResult r = before.byJar.get(jar);
      if (r == null) {
        List<Rejection> own = new ArrayList<>();
        r = new JarResult(loadJar(jar.path(), readable(jar.path(), own), own), own);
        boolean unreadable = own.stream().anyMatch(x -> x.reason().startsWith("not a readable"));
        boolean recent =
            now - jar.modifiedMillis() < UNREADABLE_RETRY_MILLIS
                && jar.modifiedMillis() <= now + 1000; // a time in the future is not a copy
        if (live && unreadable && recent) {
          // A zip directory not written yet looks like a broken jar: retried while it is new.
          rejected.add(
              new Rejection(
                  source,
                  null,
                  "being written or unreadable (" + own.getFirst().reason() + "), retried"));
          pending = true;
          keepPrevious(before, jar, loaded, rejected, config, validator);
          continue;
        }
      }
      loaded.put(jar, r);
      rejected.addAll(r.rejections());
      for (Candidate c : r.candidates()) {
        admit(c, config, validator, rejected);
      }
    }
    for (String id : config.rangeOverrides().keySet()) {
      if (validator.accepted().stream().noneMatch(f -> f.id().equals(id))
          && rejected.stream().noneMatch(r -> id.equals(r.id()))) {
        rejected.add(
            new Rejection(
                "config:" + config.file(),
                id,
                "config overrides family " + id + ", which is not loaded"));
      }
    }
    return new Loaded(
        new FamilyRegistry(validator.accepted(), rejected),
        folders,
        new LoadedJars(builtIn, loaded),
        pending);
  }

  /** What {@code jar}'s path gave the last load, kept while its new content is not complete. */
  private static void keepPrevious(
      LoadedJars before,
      FamilyFolders.Jar jar,
      java.util.Map<FamilyFolders.Jar, JarResult> loaded,
      List<Rejection> rejected,
      KittyConfig config,
      FamilyValidator validator) {
    var previous = before.at(jar.path());
    if (previous == null) {
      return;
    }
    loaded.put(previous.getKey(), previous.getValue());
    for (Candidate c : previous.getValue().candidates()) {
      admit(c, config, validator, rejected);
    }
  }

  /** The built-in families of the boot layer, sorted by id; loaded once per session. */
  private static JarResult builtins() {
    List<Rejection> rejected = new ArrayList<>();
    List<Candidate> builtins = new ArrayList<>();
    ServiceLoader<Family> loader = ServiceLoader.load(ModuleLayer.boot(), Family.class);
    var it = loader.stream().iterator();
    while (true) {
      ServiceLoader.Provider<Family> provider;
      try {
        if (!it.hasNext()) {
          break;
        }
        provider = it.next();
      } catch (ServiceConfigurationError e) {
        rejected.add(
            new Rejection("builtin", null, "family provider failed to load: " + e.getMessage()));
        continue;
      }
      if (provider.type().getModule().getLayer() != ModuleLayer.boot()) {
        continue;
      }
      instantiate(provider, "builtin", rejected).ifPresent(builtins::add);
    }
    // ServiceLoader's order is an accident of the module path: sort, so output is stable.
    builtins.sort(java.util.Comparator.comparing(Candidate::id));
    return new JarResult(List.copyOf(builtins), List.copyOf(rejected));
  }

  private record Candidate(
      Family family, String id, PortRange range, String module, String source, String version) {}

  private static java.util.Optional<Candidate> instantiate(
      ServiceLoader.Provider<Family> provider, String source, List<Rejection> rejected) {
    Module module = provider.type().getModule();
    String moduleName = module.getName();
    Family family;
    try {
      family = provider.get();
    } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
      rejected.add(
          new Rejection(
              source,
              null,
              "family provider "
                  + provider.type().getName()
                  + " failed to start: "
                  + e.getMessage()));
      return java.util.Optional.empty();
    }
    String id;
    PortRange range;
    try {
      id = family.id();
      range = family.defaultRange();
      if (range == null || family.description() == null) {
        throw new IllegalStateException("defaultRange() and description() must not be null");
      }
      // Families are data: a plan, policy or launch spec that does not validate never loads.
      java.util.Objects.requireNonNull(family.stopPlan(), "stopPlan()");
      java.util.Objects.requireNonNull(family.runawayPolicy(), "runawayPolicy()");
      java.util.Objects.requireNonNull(family.launchSpec(), "launchSpec()");
    } catch (RuntimeException | LinkageError e) {
      rejected.add(
          new Rejection(
              source, null, "family " + provider.type().getName() + " is malformed: " + e));
      return java.util.Optional.empty();
    }
    String version =
        module.getDescriptor() == null
            ? "unknown"
            : module.getDescriptor().rawVersion().orElse("unknown");
    LOG.debug("family {} {} from {} ({})", id, version, source, moduleName);
    return java.util.Optional.of(new Candidate(family, id, range, moduleName, source, version));
  }

  private static void admit(
      Candidate c, KittyConfig config, FamilyValidator validator, List<Rejection> rejected) {
    PortRange range = config.rangeOverrides().getOrDefault(c.id, c.range);
    String prefix =
        range.equals(c.range) ? "" : "config " + config.file() + " moves it to " + range + ": ";
    var problem = validator.problem(c.id, range, c.source.equals("builtin"));
    if (problem.isPresent()) {
      rejected.add(new Rejection(c.source, c.id, prefix + problem.get()));
      LOG.info("family {} from {} rejected: {}", c.id, c.source, prefix + problem.get());
      return;
    }
    validator.accept(new FamilyInfo(c.family, range, c.module, c.source, c.version));
  }

  /**
   * The families of the one jar at {@code jar}, loaded as a drop-in is (a private copy in a layer
   * of its own, the API version and the signal audit checked, each family's id and range validated
   * against the built-ins'), without any folder or config: what {@code kitty family verify} runs.
   */
  public static FamilyRegistry loadOne(Path jar) {
    Path path = jar.toAbsolutePath().normalize();
    List<Rejection> rejected = new ArrayList<>();
    if (!Files.isRegularFile(path)) {
      rejected.add(new Rejection("plugin:" + path, null, "no such jar"));
      return new FamilyRegistry(List.of(), rejected);
    }
    // Beside the built-ins, as a drop-in is: an id of theirs or a range that overlaps theirs is
    // refused here too (the user's config and other drop-ins are not consulted).
    JarResult builtIn = builtins();
    Set<String> reserved = new HashSet<>();
    builtIn.candidates().forEach(c -> reserved.add(c.id));
    FamilyValidator validator = new FamilyValidator(reserved);
    for (Candidate c : builtIn.candidates()) {
      admit(c, KittyConfig.EMPTY, validator, new ArrayList<>());
    }
    for (Candidate c : loadJar(path, readable(path, rejected), rejected)) {
      admit(c, KittyConfig.EMPTY, validator, rejected);
    }
    return new FamilyRegistry(
        validator.accepted().stream().filter(f -> !f.builtin()).toList(), rejected);
  }

  /** Every {@code *.jar} of the folders, in folder order then by name; missing folders are fine. */
  private static List<Path> jars(List<Path> folders, List<Rejection> rejected) {
    Set<Path> out = new LinkedHashSet<>();
    for (Path folder : folders) {
      if (!Files.isDirectory(folder)) {
        continue;
      }
      List<Path> inFolder = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder, "*.jar")) {
        ds.forEach(p -> inFolder.add(p.toAbsolutePath().normalize()));
      } catch (IOException e) {
        rejected.add(
            new Rejection(
                "plugin:" + folder.toAbsolutePath(),
                null,
                "family folder cannot be read: " + e.getMessage()));
      }
      inFolder.sort(null);
      out.addAll(inFolder);
    }
    return List.copyOf(out);
  }

  /**
   * Where a jar is read from: a private copy, so that the folder's jar stays the user's to change
   * while a layer reads it — on Windows an open file cannot be replaced or deleted, and elsewhere a
   * jar overwritten in place would change under a running command's layer (ADR 33). Null when the
   * copy cannot be made (said in {@code rejected}).
   */
  private static Path readable(Path jar, List<Rejection> rejected) {
    try {
      Path copy = Files.createTempFile("kitty-family-", ".jar");
      copy.toFile().deleteOnExit();
      Files.copy(jar, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return copy;
    } catch (IOException e) {
      rejected.add(new Rejection("plugin:" + jar, null, "not a readable module jar: " + e));
      return null;
    }
  }

  private static List<Candidate> loadJar(Path original, Path jar, List<Rejection> rejected) {
    if (jar == null) {
      return List.of();
    }
    List<Rejection> said = new ArrayList<>();
    List<Candidate> out = loadCopy(original, jar, said);
    // A reason names the user's jar, never kitty's private copy of it: the same broken jar is the
    // same rejection at every look, so a session says it once (ADR 33).
    for (Rejection r : said) {
      rejected.add(
          new Rejection(
              r.source(), r.id(), r.reason().replace(jar.toString(), original.toString())));
    }
    return out;
  }

  private static List<Candidate> loadCopy(Path original, Path jar, List<Rejection> rejected) {
    String source = "plugin:" + original;
    ModuleFinder finder = ModuleFinder.of(jar);
    Set<ModuleReference> refs;
    try {
      refs = finder.findAll();
    } catch (FindException | SecurityException e) {
      rejected.add(new Rejection(source, null, "not a readable module jar: " + rootMessage(e)));
      return List.of();
    }
    if (refs.isEmpty()) {
      rejected.add(new Rejection(source, null, "not a module jar"));
      return List.of();
    }
    for (ModuleReference ref : refs) {
      ModuleDescriptor d = ref.descriptor();
      Set<String> requires =
          d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
      var problem = FamilyValidator.requiresProblem(d.name(), requires);
      if (problem.isEmpty()) {
        // Before anything of it is linked: a family built for another API is refused by version,
        // never found out by a NoSuchMethodError in the middle of a scan (ADR 34).
        Optional<String> compiled =
            d.requires().stream()
                .filter(r -> r.name().equals("dev.kitty.api"))
                .findFirst()
                .flatMap(ModuleDescriptor.Requires::rawCompiledVersion);
        problem = ApiCompatibility.problem(d.name(), compiled, ApiCompatibility.running());
      }
      if (problem.isPresent()) {
        rejected.add(new Rejection(source, null, problem.get()));
        return List.of();
      }
    }
    // A family describes; only the engine's gate signals. A jar that could signal is refused.
    List<String> signalling;
    try {
      signalling = dev.kitty.engine.audit.JarAudit.signallingReferences(jar);
    } catch (RuntimeException e) {
      rejected.add(new Rejection(source, null, "not a readable module jar: " + e.getMessage()));
      return List.of();
    }
    if (!signalling.isEmpty()) {
      rejected.add(
          new Rejection(
              source,
              null,
              "the jar references a way to signal processes ("
                  + signalling.getFirst()
                  + "); families describe, only kitty's engine signals"));
      return List.of();
    }
    ModuleLayer layer;
    try {
      Set<String> roots = refs.stream().map(r -> r.descriptor().name()).collect(Collectors.toSet());
      Configuration cf =
          ModuleLayer.boot().configuration().resolveAndBind(finder, ModuleFinder.of(), roots);
      layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getSystemClassLoader());
    } catch (FindException
        | ResolutionException
        | LayerInstantiationException
        | SecurityException e) {
      rejected.add(new Rejection(source, null, "module cannot be loaded: " + rootMessage(e)));
      return List.of();
    }
    List<Candidate> out = new ArrayList<>();
    ServiceLoader<Family> loader = ServiceLoader.load(layer, Family.class);
    var it = loader.stream().iterator();
    while (true) {
      ServiceLoader.Provider<Family> provider;
      try {
        if (!it.hasNext()) {
          break;
        }
        provider = it.next();
      } catch (ServiceConfigurationError e) {
        rejected.add(
            new Rejection(source, null, "family provider failed to load: " + rootMessage(e)));
        continue;
      }
      // ServiceLoader also yields the parent layers' providers: keep only this jar's own.
      if (provider.type().getModule().getLayer() != layer) {
        continue;
      }
      instantiate(provider, source, rejected).ifPresent(out::add);
    }
    if (out.isEmpty() && rejected.stream().noneMatch(r -> r.source().equals(source))) {
      rejected.add(new Rejection(source, null, "the jar provides no dev.kitty.api.Family"));
    }
    return out;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
  }
}
