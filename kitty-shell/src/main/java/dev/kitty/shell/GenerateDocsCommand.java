package dev.kitty.shell;

import dev.kitty.shell.command.ExitCodes;
import dev.kitty.shell.command.KittyCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kitty generate-docs DIR} (hidden; run by the build for the distribution): the bash/zsh
 * completion script (picocli's {@link AutoComplete}) and a troff man page per command, both
 * generated from the command tree itself so they can never drift from it. The man pages are written
 * directly as troff (ADR 22): picocli's ManPageGenerator writes AsciiDoc and would need
 * picocli-codegen plus asciidoctor at build time.
 */
@Command(name = "generate-docs", hidden = true, description = "Write completion and man pages.")
final class GenerateDocsCommand implements Callable<Integer> {

  @ParentCommand KittyCommand root;

  @Parameters(paramLabel = "DIR", description = "Where to write completion/ and man/man1/.")
  Path dir;

  @Override
  public Integer call() throws IOException {
    CommandLine tree = Cli.build(root.session(), KittyCommand.Globals.NONE);
    Path completion = Files.createDirectories(dir.resolve("completion"));
    Files.writeString(completion.resolve("kitty.bash"), AutoComplete.bash("kitty", tree));
    Path man = Files.createDirectories(dir.resolve("man/man1"));
    String version =
        tree.getCommandSpec().version().length == 0 ? "" : tree.getCommandSpec().version()[0];
    Files.writeString(man.resolve("kitty.1"), manPage(tree.getCommandSpec(), "kitty", version));
    for (var e : tree.getSubcommands().entrySet()) {
      CommandSpec sub = e.getValue().getCommandSpec();
      if (sub.usageMessage().hidden() || e.getKey().equals("help")) {
        continue;
      }
      Files.writeString(
          man.resolve("kitty-" + e.getKey() + ".1"), manPage(sub, "kitty " + e.getKey(), version));
    }
    root.out().println("wrote " + completion.resolve("kitty.bash") + " and " + man);
    return ExitCodes.OK;
  }

  /** One command's man page in troff ({@code man -l FILE} shows it). */
  static String manPage(CommandSpec spec, String name, String version) {
    StringBuilder t = new StringBuilder();
    t.append(".TH \"")
        .append(name.toUpperCase(java.util.Locale.ROOT).replace(' ', '-'))
        .append("\" 1 \"")
        .append(LocalDate.now())
        .append("\" \"")
        .append(esc(version))
        .append("\" \"kitty manual\"\n");
    t.append(".SH NAME\n").append(esc(name)).append(" \\- ");
    String[] description = spec.usageMessage().description();
    t.append(esc(description.length == 0 ? "" : description[0])).append('\n');
    t.append(".SH SYNOPSIS\n.B ").append(esc(name)).append('\n');
    for (OptionSpec o : spec.options()) {
      if (!o.hidden()) {
        t.append("[")
            .append(esc(o.longestName()))
            .append(o.arity().max() > 0 ? " " + esc(o.paramLabel()) : "")
            .append("] ");
      }
    }
    for (PositionalParamSpec p : spec.positionalParameters()) {
      if (!p.hidden()) {
        t.append(esc(p.paramLabel())).append(' ');
      }
    }
    t.append('\n');
    t.append(".SH DESCRIPTION\n");
    for (String line : description) {
      t.append(esc(line)).append('\n');
    }
    if (!spec.subcommands().isEmpty()) {
      t.append(".SH COMMANDS\n");
      for (var e : spec.subcommands().entrySet()) {
        CommandSpec sub = e.getValue().getCommandSpec();
        if (sub.usageMessage().hidden()) {
          continue;
        }
        String[] d = sub.usageMessage().description();
        t.append(".TP\n.B ")
            .append(esc(e.getKey()))
            .append('\n')
            .append(esc(d.length == 0 ? "" : d[0]))
            .append('\n');
      }
    }
    t.append(".SH OPTIONS\n");
    for (OptionSpec o : spec.options()) {
      if (o.hidden()) {
        continue;
      }
      t.append(".TP\n.B ").append(esc(String.join(", ", o.names())));
      if (o.arity().max() > 0) {
        t.append(" \\fI").append(esc(o.paramLabel())).append("\\fR");
      }
      t.append('\n').append(esc(String.join(" ", o.description()))).append('\n');
    }
    for (PositionalParamSpec p : spec.positionalParameters()) {
      t.append(".TP\n.I ")
          .append(esc(p.paramLabel()))
          .append('\n')
          .append(esc(String.join(" ", p.description())))
          .append('\n');
    }
    t.append(
        ".SH EXIT STATUS\n0 success; 1 something failed or survived; 2 bad usage or input; 3 needs the operator's action (see the user guide).\n");
    t.append(".SH SEE ALSO\n.BR kitty (1)\n");
    return t.toString();
  }

  /** Escapes troff: backslashes, and a leading dot or quote that would start a request. */
  static String esc(String s) {
    String out = s.replace("\\", "\\\\").replace("-", "\\-");
    return out.startsWith(".") || out.startsWith("'") ? "\\&" + out : out;
  }
}
