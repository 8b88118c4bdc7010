/** The built-in sync daemon family. Exports nothing; only provides its {@link dev.kitty.api.Family}. */
module dev.kitty.family.sync {
  requires dev.kitty.api;

  provides dev.kitty.api.Family with
      dev.kitty.family.sync.SyncFamily;
}
