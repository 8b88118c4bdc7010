package dev.kitty.engine.internal.contain;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A containment detected on first use: a scan or a stop of what a scan found never asks, and a cold
 * command should not pay the probe cell's mkdir and rmdir (ADR 24, 29).
 */
final class LazyContainment implements Containment {

  private final Supplier<Containment> detect;
  private volatile Containment detected;

  LazyContainment(Supplier<Containment> detect) {
    this.detect = detect;
  }

  private Containment get() {
    Containment c = detected;
    if (c == null) {
      synchronized (this) {
        if (detected == null) {
          detected = detect.get();
        }
        c = detected;
      }
    }
    return c;
  }

  @Override
  public boolean active() {
    return get().active();
  }

  @Override
  public String describe() {
    return get().describe();
  }

  @Override
  public Optional<Cell> create(Path stateDir, String launchId) {
    return get().create(stateDir, launchId);
  }

  @Override
  public List<String> enter(Cell cell) {
    return get().enter(cell);
  }

  @Override
  public List<Long> members(Cell cell) {
    return get().members(cell);
  }

  @Override
  public boolean populated(Cell cell) {
    return get().populated(cell);
  }

  @Override
  public Optional<String> notOurs(Cell cell) {
    return get().notOurs(cell);
  }

  @Override
  public Optional<String> notTheCellOf(Cell cell, String launchId) {
    return get().notTheCellOf(cell, launchId);
  }

  @Override
  public String kill(Cell cell) {
    return get().kill(cell);
  }

  @Override
  public int pruneEmpty(Duration age) {
    return get().pruneEmpty(age);
  }

  @Override
  public Optional<Cell> cellOf(long pid) {
    return get().cellOf(pid);
  }

  @Override
  public boolean freeze(Cell cell, boolean frozen) {
    return get().freeze(cell, frozen);
  }

  @Override
  public boolean awaitEmpty(Cell cell, Duration timeout) {
    return get().awaitEmpty(cell, timeout);
  }

  @Override
  public boolean remove(Cell cell) {
    return get().remove(cell);
  }
}
