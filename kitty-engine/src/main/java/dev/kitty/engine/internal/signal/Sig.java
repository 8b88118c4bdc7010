package dev.kitty.engine.internal.signal;

/** The signals kitty sends. */
public enum Sig {
  /** Asks to exit. */
  TERM(15),
  /** Ends. */
  KILL(9),
  /** Freezes (cannot be caught): a frozen wrapper cannot respawn anything. */
  STOP(19),
  /** Thaws. */
  CONT(18);

  final int number;

  Sig(int number) {
    this.number = number;
  }
}
