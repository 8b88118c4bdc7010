package dev.kitty.engine.internal.registry;

import dev.kitty.api.PortRange;
import dev.kitty.engine.model.FamilyInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Admits families one at a time and refuses any whose id or range conflicts with those already
 * admitted. The messages are part of kitty's contract; tests pin them.
 */
public final class FamilyValidator {

  static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]*");

  /** The modules a drop-in family may require. */
  public static final Set<String> ALLOWED_REQUIRES = Set.of("java.base", "dev.kitty.api");

  private final List<FamilyInfo> accepted = new ArrayList<>();
  private final Set<String> reservedIds;

  /** A validator in which {@code reservedIds} (the built-ins' ids) only built-ins may use. */
  public FamilyValidator(Set<String> reservedIds) {
    this.reservedIds = Set.copyOf(reservedIds);
  }

  /** The families admitted so far, in admission order. */
  public List<FamilyInfo> accepted() {
    return List.copyOf(accepted);
  }

  /**
   * Why a family with this id and range cannot be admitted now, or empty when it can.
   *
   * @param builtin whether it is a built-in family (built-ins may use reserved ids)
   */
  public Optional<String> problem(String id, PortRange range, boolean builtin) {
    if (id == null || !ID.matcher(id).matches()) {
      return Optional.of("id \"" + id + "\" is invalid: it must match [a-z][a-z0-9-]*");
    }
    if (!builtin && reservedIds.contains(id)) {
      return Optional.of("id \"" + id + "\" is reserved for the built-in family " + id);
    }
    for (FamilyInfo f : accepted) {
      if (f.id().equals(id)) {
        return Optional.of(
            "id \"" + id + "\" is already used by family " + id + " (" + f.source() + ")");
      }
    }
    for (FamilyInfo f : accepted) {
      if (f.range().overlaps(range)) {
        return Optional.of("port range " + range + " overlaps family " + f.id() + " " + f.range());
      }
    }
    return Optional.empty();
  }

  /** Admits a family that {@link #problem} found no fault with. */
  public void accept(FamilyInfo family) {
    problem(family.id(), family.range(), family.builtin())
        .ifPresent(
            p -> {
              throw new IllegalStateException("accept() after a problem: " + p);
            });
    accepted.add(family);
  }

  /** Why a module with these requires may not be a drop-in family, or empty when it may. */
  public static Optional<String> requiresProblem(String module, Set<String> requires) {
    List<String> extra =
        requires.stream().filter(r -> !ALLOWED_REQUIRES.contains(r)).sorted().toList();
    if (extra.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "module "
            + module
            + " requires "
            + String.join(", ", extra)
            + "; a drop-in family may require only dev.kitty.api and java.base");
  }
}
