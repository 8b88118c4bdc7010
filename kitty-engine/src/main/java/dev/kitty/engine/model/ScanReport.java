package dev.kitty.engine.model;

import java.util.List;
import java.util.stream.Stream;

/**
 * What {@code kitty scan} found.
 *
 * <p>Stability: experimental.
 *
 * @param families one entry per scanned family, in registry order; never null
 * @param warnings problems met while scanning that did not stop it; never null
 */
public record ScanReport(List<FamilyScan> families, List<String> warnings) {
  /** Copies the lists. */
  public ScanReport {
    families = List.copyOf(families);
    warnings = List.copyOf(warnings);
  }

  /** Every candidate of every family. */
  public Stream<Candidate> candidates() {
    return families.stream().flatMap(f -> f.candidates().stream());
  }
}
