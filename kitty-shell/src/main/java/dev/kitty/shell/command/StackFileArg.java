package dev.kitty.shell.command;

import java.nio.file.Path;
import picocli.CommandLine.Parameters;

/** {@code [FILE]}, the stack file of {@code up}, {@code down} and {@code ps}. */
final class StackFileArg {

  @Parameters(
      arity = "0..1",
      paramLabel = "FILE",
      description = "The stack file (default: kitty-stack.json or Procfile here).")
  Path file;

  /**
   * The file given, or the default one here.
   *
   * @param mustExist whether the file itself is needed (up) or only its path (down, ps: they work
   *     from kitty's record of the stack)
   */
  Path resolve(boolean mustExist) {
    return StackText.resolve(file, mustExist);
  }
}
