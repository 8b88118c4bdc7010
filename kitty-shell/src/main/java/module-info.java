/**
 * The kitty command tree and its three front ends: the one-shot CLI, the interactive jline shell
 * and batch mode. Exports nothing; {@code dev.kitty.shell.Main} is the entry point.
 */
module dev.kitty.shell {
  requires dev.kitty.engine;
  requires tools.jackson.databind;
  requires java.logging;
  requires info.picocli;
  requires org.jline.reader;
  requires org.jline.terminal;

  opens dev.kitty.shell to
      info.picocli;
}
