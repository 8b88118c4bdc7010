/**
 * The kitty family SPI. A daemon family implements {@link dev.kitty.api.Family} and returns
 * immutable records: its port range, an identity verdict for each listener it is shown, its stop
 * plan as data, its runaway policy and how to launch its daemons. Nothing in this module can signal
 * a process: families describe, the engine acts.
 *
 * <p>{@link dev.kitty.api.support} holds helpers a family may use (a strict JSON reader, shared
 * proof checks); {@link dev.kitty.api.web} the rules of the families' own loopback web servers.
 *
 * <p>Stability: experimental until 1.0.
 */
module dev.kitty.api {
  // The loopback web rules of the families' own daemons take and answer the JDK's exchanges
  // (ADR 27); nothing in the SPI proper needs it.
  requires transitive jdk.httpserver;

  exports dev.kitty.api;
  exports dev.kitty.api.support;
  exports dev.kitty.api.web;
}
