/**
 * The built-in webui daemon family. Exports nothing; only provides its {@link
 * dev.kitty.api.Family}.
 */
module dev.kitty.family.webui {
  requires dev.kitty.api;

  provides dev.kitty.api.Family with
      dev.kitty.family.webui.WebuiFamily;
}
