/**
 * The kitty family SPI. A daemon family implements {@link dev.kitty.api.Family} and returns
 * immutable records: its port range, an identity verdict for each listener it is shown, its stop
 * plan as data, its runaway policy and how to launch its daemons. Nothing in this module can signal
 * a process: families describe, the engine acts.
 *
 * <p>Stability: experimental until 1.0.
 */
module dev.kitty.api {
  exports dev.kitty.api;
}
