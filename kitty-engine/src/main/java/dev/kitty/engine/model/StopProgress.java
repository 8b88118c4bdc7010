package dev.kitty.engine.model;

/**
 * Told while a stop waits for grace periods, so a terminal front end can show a progress line.
 *
 * <p>Stability: experimental.
 */
@FunctionalInterface
public interface StopProgress {

  /** Nothing is shown (JSON, batch, tests). */
  StopProgress NONE = (what, alive, remainingMillis) -> {};

  /**
   * Called about every 100 ms while waiting.
   *
   * @param what what is awaited ("processes to exit after SIGTERM")
   * @param alive how many are still alive
   * @param remainingMillis how long the wait may still take
   */
  void waiting(String what, int alive, long remainingMillis);
}
