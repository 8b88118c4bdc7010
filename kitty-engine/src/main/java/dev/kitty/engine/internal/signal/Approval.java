package dev.kitty.engine.internal.signal;

import dev.kitty.engine.internal.signal.SignalGate.Target;
import java.util.List;

/**
 * The gate's answer to "may this daemon be stopped": the verdict and the members it snapshotted.
 *
 * @param verdict the root's verdict
 * @param wrappers the shell wrappers above the root, outermost first
 * @param descendants every descendant of the outermost wrapper (or of the root)
 */
public record Approval(Verdict verdict, List<Target> wrappers, List<Target> descendants) {}
