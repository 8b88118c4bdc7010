package dev.kitty.engine.internal.registry;

import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.Rejection;
import java.util.List;
import java.util.Optional;

/**
 * The families kitty runs with: the accepted ones and the refused ones, each with its reason.
 *
 * @param families accepted families, built-ins first, then plugins in folder and file order
 * @param rejected refused families, jars and overrides
 */
public record FamilyRegistry(List<FamilyInfo> families, List<Rejection> rejected) {

  /** Copies the lists. */
  public FamilyRegistry {
    families = List.copyOf(families);
    rejected = List.copyOf(rejected);
  }

  /** The accepted family with this id. */
  public Optional<FamilyInfo> find(String id) {
    return families.stream().filter(f -> f.id().equals(id)).findFirst();
  }

  /** The accepted family whose range holds {@code port}. */
  public Optional<FamilyInfo> owning(int port) {
    return families.stream().filter(f -> f.range().contains(port)).findFirst();
  }
}
