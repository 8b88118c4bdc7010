/**
 * The built-in sync daemon family: its identity probe, its stop plan and launch spec, and the sync
 * daemon itself ({@code SyncDaemon}, started by {@code kitty sync ensure}). Exports nothing; only
 * provides its {@link dev.kitty.api.Family}.
 */
module dev.kitty.family.sync {
  requires dev.kitty.api;
  requires jdk.httpserver;

  provides dev.kitty.api.Family with
      dev.kitty.family.sync.SyncFamily;
}
