package dev.kitty.engine.model;

import java.util.List;

/**
 * The candidates of one family.
 *
 * <p>Stability: experimental.
 *
 * @param family the family; never null
 * @param candidates its candidates, by port then address; never null
 */
public record FamilyScan(FamilyInfo family, List<Candidate> candidates) {
  /** Copies the list. */
  public FamilyScan {
    candidates = List.copyOf(candidates);
  }
}
