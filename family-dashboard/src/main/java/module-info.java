/**
 * The built-in dashboard daemon family. Exports nothing; only provides its {@link
 * dev.kitty.api.Family}.
 */
module dev.kitty.family.dashboard {
  requires dev.kitty.api;

  provides dev.kitty.api.Family with
      dev.kitty.family.dashboard.DashboardFamily;
}
