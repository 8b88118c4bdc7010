package dev.kitty.engine.internal.registry;

import dev.kitty.engine.model.FamilyInfo;
import dev.kitty.engine.model.KittyException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the family ids a command names into the families it works on. Every service gets this
 * instead of the facade, so that no service depends on {@code Kitty} (ADR 28).
 *
 * @param registry the families kitty runs with
 */
public record FamilySelector(FamilyRegistry registry) {

  /**
   * The families named, in the order given (all, in registry order, when none is named).
   *
   * @throws KittyException.Usage for an unknown id, listing the known ones
   */
  public List<FamilyInfo> select(List<String> ids) {
    if (ids == null || ids.isEmpty()) {
      return registry.families();
    }
    Set<FamilyInfo> out = new LinkedHashSet<>();
    for (String id : ids) {
      Optional<FamilyInfo> f = registry.find(id);
      if (f.isEmpty()) {
        String rejectedNote =
            registry.rejected().stream()
                .filter(r -> id.equals(r.id()))
                .findFirst()
                .map(r -> " (it was rejected: " + r.reason() + ")")
                .orElse("");
        throw new KittyException.Usage(
            "unknown family \""
                + id
                + "\""
                + rejectedNote
                + "; known: "
                + String.join(", ", registry.families().stream().map(FamilyInfo::id).toList()));
      }
      out.add(f.get());
    }
    return List.copyOf(out);
  }

  /** The one family named {@code id}. */
  public FamilyInfo one(String id) {
    return select(List.of(id)).getFirst();
  }

  /**
   * The one family named {@code id}, which must launch daemons.
   *
   * @throws KittyException.Usage when it does not
   */
  public FamilyInfo launching(String id) {
    FamilyInfo f = one(id);
    if (f.family().launchSpec().isEmpty()) {
      throw new KittyException.Usage("family " + id + " does not launch daemons");
    }
    return f;
  }
}
