package dev.kitty.engine.internal.contain;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code KITTY_CONTAINMENT=off}: no cell for a new launch, but the cells of launches made before
 * are still killed, counted and removed — a switch that made a contained launch's escapee invisible
 * to its {@code down} would make {@code down} lie (ADR 29).
 */
record SwitchedOff(Containment found) implements Containment {

  @Override
  public boolean active() {
    return false;
  }

  @Override
  public String describe() {
    return "session+cookie: containment switched off (KITTY_CONTAINMENT=off)";
  }

  @Override
  public Optional<Cell> create(Path stateDir, String launchId) {
    return Optional.empty();
  }

  @Override
  public List<String> enter(Cell cell) {
    return List.of();
  }

  @Override
  public List<Long> members(Cell cell) {
    return found.members(cell);
  }

  @Override
  public boolean populated(Cell cell) {
    return found.populated(cell);
  }

  @Override
  public Optional<String> notOurs(Cell cell) {
    return found.notOurs(cell);
  }

  @Override
  public Optional<String> notTheCellOf(Cell cell, String launchId) {
    return found.notTheCellOf(cell, launchId);
  }

  @Override
  public String kill(Cell cell) {
    return found.kill(cell);
  }

  @Override
  public int pruneEmpty(Duration age) {
    return found.pruneEmpty(age);
  }

  @Override
  public Optional<Cell> cellOf(long pid) {
    return found.cellOf(pid);
  }

  @Override
  public boolean freeze(Cell cell, boolean frozen) {
    return found.freeze(cell, frozen);
  }

  @Override
  public boolean awaitEmpty(Cell cell, Duration timeout) {
    return found.awaitEmpty(cell, timeout);
  }

  @Override
  public boolean remove(Cell cell) {
    return found.remove(cell);
  }
}
