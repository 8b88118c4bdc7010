package dev.kitty.shell.command;

import picocli.CommandLine.Parameters;

/**
 * {@code FAMILY [NAME]}, the words that name a launch in {@code stop}, {@code restart}, {@code
 * ensure}.
 */
final class LaunchName {

  @Parameters(index = "0", paramLabel = "FAMILY", description = "The family, e.g. webui.")
  String family;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "NAME",
      description = "The launch (default: default).")
  String name;

  /** The name given, or {@code default}. */
  String name() {
    return name == null ? "default" : name;
  }
}
