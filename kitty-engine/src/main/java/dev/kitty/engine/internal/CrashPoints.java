package dev.kitty.engine.internal;

/**
 * Named points in kitty's state changes where a test can make kitty die as if it had been sent
 * SIGKILL (crash consistency): {@link Runtime#halt} runs no shutdown hook, no finally block,
 * flushes nothing — what a kill -9 leaves. Armed only when both {@code KITTY_CRASH_AT} (the point's
 * name) and {@code KITTY_TEST} (the test suite's run cookie) are set, so a user's environment can
 * never trip one by accident.
 */
public final class CrashPoints {

  private static final String ARMED =
      System.getenv("KITTY_TEST") == null ? null : System.getenv("KITTY_CRASH_AT");

  private CrashPoints() {}

  /** Dies here, with exit status 137, when a test armed {@code point}. */
  public static void reach(String point) {
    if (point.equals(ARMED)) {
      System.err.println("kitty: crash point " + point + " reached (KITTY_CRASH_AT)");
      System.err.flush();
      Runtime.getRuntime().halt(137);
    }
  }
}
