package dev.kitty.engine.model;

import java.nio.file.Path;
import java.util.List;

/**
 * The families one jar gives when loaded as a drop-in, or why it gives none ({@code kitty family
 * verify}).
 *
 * @param jar the jar, absolute
 * @param families its families, each in the jar's own module layer
 * @param rejected why the jar or one of its families was refused
 */
public record FamilyJar(Path jar, List<FamilyInfo> families, List<Rejection> rejected) {

  /** Copies the lists. */
  public FamilyJar {
    families = List.copyOf(families);
    rejected = List.copyOf(rejected);
  }
}
