package dev.kitty.engine.internal.contain;

import dev.kitty.engine.model.CgroupUsage;
import dev.kitty.engine.model.Confinement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** No cell for anyone: the launch's session and cookie are all kitty tracks it by (ADR 19, 29). */
record NoContainment(String why) implements Containment {

  @Override
  public boolean active() {
    return false;
  }

  @Override
  public String describe() {
    return why + "; limits not enforced";
  }

  @Override
  public Optional<Cell> create(String stateKey, String launchId, Confinement confinement) {
    return Optional.empty();
  }

  @Override
  public List<String> unenforced(Confinement c) {
    return Controllers.NONE.unenforceable(c);
  }

  @Override
  public CgroupUsage usage(Cell cell) {
    return CgroupUsage.UNKNOWN;
  }

  @Override
  public List<String> enter(Cell cell) {
    return List.of();
  }

  @Override
  public boolean populated(Cell cell) {
    return false;
  }

  @Override
  public Optional<String> notTheCellOf(Cell cell, String launchId) {
    return Optional.of("no containment is in use (" + why + ")");
  }

  @Override
  public Optional<List<Long>> readMembers(Cell cell) {
    return Optional.of(List.of());
  }

  @Override
  public boolean inState(Cell cell, String stateKey) {
    return false;
  }

  @Override
  public boolean killsAtOnce() {
    return false;
  }

  @Override
  public String kill(Cell cell) {
    return "no containment is in use";
  }

  @Override
  public int pruneEmpty(Duration age) {
    return 0;
  }

  @Override
  public List<Cell> cells(String stateKey) {
    return List.of();
  }

  @Override
  public Optional<java.time.Instant> madeAt(Cell cell) {
    return Optional.empty();
  }

  @Override
  public Optional<Cell> cellOf(long pid) {
    return Optional.empty();
  }

  @Override
  public boolean freeze(Cell cell, boolean frozen) {
    return false;
  }

  @Override
  public boolean remove(Cell cell) {
    return true;
  }
}
