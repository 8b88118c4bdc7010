package dev.kitty.engine.internal.registry;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * What the family folders hold, as cheaply as it can be known (ADR 33): every {@code *.jar} with
 * its size and modification time, in folder and name order. Two snapshots that are equal mean
 * nothing was added, removed or changed; a jar written in the last {@link #SETTLE} may still be
 * being copied and is not loaded yet.
 *
 * @param jars the jars found
 */
public record FamilyFolders(List<Jar> jars) {

  /** How long a jar's size and time must have stood still before it is loaded. */
  public static final java.time.Duration SETTLE = java.time.Duration.ofSeconds(2);

  /**
   * One jar as the folder lists it.
   *
   * @param path its absolute path
   * @param size its size in bytes
   * @param modifiedMillis its modification time
   */
  public record Jar(Path path, long size, long modifiedMillis) {

    /** Whether it changed too recently to be complete. */
    public boolean settling(long nowMillis) {
      return nowMillis - modifiedMillis < SETTLE.toMillis() && modifiedMillis <= nowMillis + 1000;
    }
  }

  /** Copies the list. */
  public FamilyFolders {
    jars = List.copyOf(jars);
  }

  /** The jars of {@code folders} now; a folder that is missing or unreadable holds none. */
  public static FamilyFolders of(List<Path> folders) {
    List<Jar> out = new ArrayList<>();
    java.util.Set<Path> seen = new java.util.HashSet<>();
    for (Path folder : folders) {
      if (!Files.isDirectory(folder)) {
        continue;
      }
      List<Jar> inFolder = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder, "*.jar")) {
        for (Path p : ds) {
          Path abs = p.toAbsolutePath().normalize();
          try {
            BasicFileAttributes a = Files.readAttributes(abs, BasicFileAttributes.class);
            if (a.isRegularFile() && seen.add(abs)) {
              inFolder.add(new Jar(abs, a.size(), a.lastModifiedTime().toMillis()));
            }
          } catch (IOException goneMeanwhile) {
            // Removed between the listing and the stat: not there.
          }
        }
      } catch (IOException unreadable) {
        // The loader reports an unreadable folder; here it simply holds nothing.
      }
      inFolder.sort(java.util.Comparator.comparing(Jar::path));
      out.addAll(inFolder);
    }
    return new FamilyFolders(out);
  }

  /** Whether a jar of this snapshot was still settling at {@code nowMillis}. */
  public boolean settling(long nowMillis) {
    return jars.stream().anyMatch(j -> j.settling(nowMillis));
  }
}
