/**
 * The built-in dashboard daemon family: its identity probe, stop plan and launch spec, and kitty's
 * own dashboard ({@code DashboardDaemon}). Exports nothing; only provides its {@link
 * dev.kitty.api.Family}.
 */
module dev.kitty.family.dashboard {
  requires dev.kitty.api;
  requires jdk.httpserver;

  provides dev.kitty.api.Family with
      dev.kitty.family.dashboard.DashboardFamily;
}
