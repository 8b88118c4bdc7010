package dev.kitty.shell.command;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Parameters;

/** The {@code [FAMILY…]} operand of every command that works on families (a picocli mixin). */
final class FamilyArgs {

  @Parameters(
      paramLabel = "FAMILY",
      arity = "0..*",
      description = "Family ids (all when none is named).")
  List<String> ids = new ArrayList<>();
}
