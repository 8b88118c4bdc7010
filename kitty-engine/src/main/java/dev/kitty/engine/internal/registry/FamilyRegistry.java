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

  /**
   * What changed from {@code before} to this registry, a line each (ADR 33): a family loaded,
   * replaced (another instance: its jar changed) or unloaded, and each new rejection.
   */
  public java.util.List<String> changesSince(FamilyRegistry before) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (FamilyInfo f : families) {
      FamilyInfo old = before.find(f.id()).orElse(null);
      if (old == null) {
        out.add("family " + f.id() + " " + f.version() + " loaded from " + f.source());
      } else if (old.family() != f.family()
          && old.version().equals(f.version())
          && old.source().equals(f.source())) {
        out.add("family " + f.id() + " " + f.version() + " loaded again from " + f.source());
      } else if (old.family() != f.family()) {
        out.add(
            "family "
                + f.id()
                + " "
                + old.version()
                + " replaced by "
                + f.version()
                + " from "
                + f.source());
      }
    }
    for (FamilyInfo o : before.families) {
      if (find(o.id()).isEmpty()) {
        out.add("family " + o.id() + " " + o.version() + " unloaded (" + o.source() + ")");
      }
    }
    for (Rejection r : rejected) {
      if (!before.rejected.contains(r)) {
        String what = r.id() == null ? "jar" : r.id();
        out.add("family " + what + " " + r.source() + " rejected: " + r.reason());
      }
    }
    return out;
  }

  /** The accepted family whose range holds {@code port}. */
  public Optional<FamilyInfo> owning(int port) {
    return families.stream().filter(f -> f.range().contains(port)).findFirst();
  }
}
