/**
 * The built-in devstack daemon family. Exports nothing; only provides its {@link
 * dev.kitty.api.Family}.
 */
module dev.kitty.family.devstack {
  requires dev.kitty.api;

  provides dev.kitty.api.Family with
      dev.kitty.family.devstack.DevstackFamily;
}
