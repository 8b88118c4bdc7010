package dev.kitty.api;

/**
 * A half-open TCP port range {@code [from, to)}.
 *
 * <p>Stability: experimental.
 *
 * @param from the first port in the range, at least 1
 * @param to one past the last port, at most 65536 and greater than {@code from}
 * @since 0.1
 */
public record PortRange(int from, int to) {

  /**
   * The highest value {@code to} may take: one past the last TCP port.
   *
   * @since 0.1
   */
  public static final int END = 65536;

  /**
   * Validates the bounds.
   *
   * @throws IllegalArgumentException unless {@code 1 <= from < to <= 65536}; the message says which
   * @since 0.1
   */
  public PortRange {
    if (from < 1 || to > END || from >= to) {
      throw new IllegalArgumentException(
          "port range [" + from + ", " + to + ") is invalid: need 1 <= from < to <= " + END);
    }
  }

  /**
   * Whether {@code port} lies in the range.
   *
   * @since 0.1
   */
  public boolean contains(int port) {
    return port >= from && port < to;
  }

  /**
   * Whether the two ranges share at least one port. Adjacent ranges ({@code a.to == b.from}) do
   * not.
   *
   * @since 0.1
   */
  public boolean overlaps(PortRange other) {
    return from < other.to && other.from < to;
  }

  /**
   * The number of ports in the range.
   *
   * @since 0.1
   */
  public int size() {
    return to - from;
  }

  // equals and hashCode written out: a record's generated ones are bootstrapped at their first call
  // (method handles spun at run time), and a cold scan compares ranges for every listener.
  @Override
  public boolean equals(Object o) {
    return o instanceof PortRange r && r.from == from && r.to == to;
  }

  @Override
  public int hashCode() {
    return 31 * from + to;
  }

  /**
   * {@code [from, to)}, the form every message uses.
   *
   * @since 0.1
   */
  @Override
  public String toString() {
    return "[" + from + ", " + to + ")";
  }
}
