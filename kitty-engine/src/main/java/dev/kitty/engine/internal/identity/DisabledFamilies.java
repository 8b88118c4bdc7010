package dev.kitty.engine.internal.identity;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The families an engine stopped asking (ADR 34): one whose code threw a {@link LinkageError}
 * ({@code NoSuchMethodError}, {@code NoClassDefFoundError}, …) while it ran — built against
 * something this kitty does not have. Its listeners are {@code never_touch} from then on, with the
 * reason, and {@code families} lists it as rejected; the other families keep working.
 */
public final class DisabledFamilies {

  private final Map<String, String> reasons = new ConcurrentHashMap<>();

  /** Disables family {@code id} for {@code error}, the first reason kept. */
  public void disable(String id, Throwable error) {
    reasons.putIfAbsent(id, "disabled at run time: " + error);
  }

  /** Why family {@code id} is disabled, if it is. */
  public Optional<String> reason(String id) {
    return Optional.ofNullable(reasons.get(id));
  }

  /** Every disabled family with its reason. */
  public Map<String, String> all() {
    return Map.copyOf(reasons);
  }

  /**
   * What {@code family} says of its record files in {@code scope}; a failure of its code (a
   * RuntimeException, or a LinkageError of a family built against something this kitty does not
   * have) is a note naming the family, never an error of the command that asked. Its plan, policy
   * and launch spec are not guarded here: they are data, built once at load, where a failure
   * rejects the jar (ADR 34).
   */
  public static java.util.List<String> recordNotes(
      String id, dev.kitty.api.Family family, String scope) {
    try {
      java.util.List<String> notes = family.recordNotes(scope);
      return notes == null ? java.util.List.of() : java.util.List.copyOf(notes);
    } catch (RuntimeException | LinkageError e) {
      return java.util.List.of("family " + id + " cannot read its records in " + scope + ": " + e);
    }
  }
}
