package dev.kitty.engine.internal.signal;

/**
 * What happened when the gate acted.
 *
 * @param verdict the verdict
 * @param sent whether the signal was delivered
 * @param error the error when delivery failed (EPERM…), else null
 */
public record Outcome(Verdict verdict, boolean sent, String error) {}
