package dev.kitty.shell.command;

/** The exit codes of the contract's section 2. */
public final class ExitCodes {
  /** Success. */
  public static final int OK = 0;

  /** An action was attempted and something failed. */
  public static final int FAILED = 1;

  /** Usage or input error. */
  public static final int USAGE = 2;

  /** {@code doctor} found something that needs action. */
  static final int NEEDS_ACTION = 3;

  private ExitCodes() {}
}
