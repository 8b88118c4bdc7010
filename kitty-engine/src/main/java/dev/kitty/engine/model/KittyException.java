package dev.kitty.engine.model;

/**
 * Every error kitty reports to its user rather than crashing on. Each kind maps to one exit code of
 * the contract; the message names the file, family or option at fault.
 *
 * <p>Stability: experimental.
 */
public abstract sealed class KittyException extends RuntimeException
    permits KittyException.Usage, KittyException.BadInput, KittyException.Failed {

  private static final long serialVersionUID = 1L;

  KittyException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The process exit code this error ends a command with. */
  public abstract int exitCode();

  /** A wrong option, an unknown family or command: exit 2. */
  public static final class Usage extends KittyException {
    private static final long serialVersionUID = 1L;

    /** An error with the given message. */
    public Usage(String message) {
      super(message, null);
    }

    @Override
    public int exitCode() {
      return 2;
    }
  }

  /** A malformed config, record or input file: exit 2. The message names the file. */
  public static final class BadInput extends KittyException {
    private static final long serialVersionUID = 1L;

    /** An error with the given message and cause (may be null). */
    public BadInput(String message, Throwable cause) {
      super(message, cause);
    }

    @Override
    public int exitCode() {
      return 2;
    }
  }

  /** An action was attempted and failed (a daemon that would not start): exit 1. */
  public static final class Failed extends KittyException {
    private static final long serialVersionUID = 1L;

    /** An error with the given message. */
    public Failed(String message) {
      super(message, null);
    }

    @Override
    public int exitCode() {
      return 1;
    }
  }
}
