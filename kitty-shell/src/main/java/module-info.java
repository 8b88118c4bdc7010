/**
 * The kitty command tree and its three front ends: the one-shot CLI, the interactive jline shell
 * and batch mode. Exports nothing; {@code dev.kitty.shell.Main} is the entry point. Packages by
 * role (ADR 28): {@code command} (the commands and what they share), {@code render} (reports as
 * text and JSON), {@code interactive} (the shell and batch runner), and at the top {@code Main} and
 * {@code Cli}, which build the tree and hand the front ends to it.
 */
module dev.kitty.shell {
  requires dev.kitty.engine;
  requires tools.jackson.databind;
  requires java.logging;
  requires info.picocli;
  requires org.jline.reader;
  requires org.jline.terminal;

  // picocli fills the commands' options and mixins by reflection.
  opens dev.kitty.shell to
      info.picocli;
  opens dev.kitty.shell.command to
      info.picocli;
}
