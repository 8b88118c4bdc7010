package dev.kitty.shell;

/** The exit codes of the contract's section 2. */
final class ExitCodes {
  /** Success. */
  static final int OK = 0;

  /** An action was attempted and something failed. */
  static final int FAILED = 1;

  /** Usage or input error. */
  static final int USAGE = 2;

  /** {@code doctor} found something that needs action. */
  static final int NEEDS_ACTION = 3;

  private ExitCodes() {}
}
