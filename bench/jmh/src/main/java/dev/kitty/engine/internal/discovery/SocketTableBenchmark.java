package dev.kitty.engine.internal.discovery;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Listener discovery's socket table on this machine (ADR 36): every listening TCP socket, IPv4 and
 * IPv6, from netlink sock_diag and from /proc/net/tcp{,6}, without the holders' fd walk. Run by
 * bench/socket-table.sh with a connection storm present (bench/fixtures/time_wait_storm.py).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SocketTableBenchmark {

  private final ProcFs fs = new ProcFs(Path.of("/proc"));
  private final ProcNetListenerScanner netlink = new ProcNetListenerScanner(fs, true);
  private final ProcNetListenerScanner procfs = new ProcNetListenerScanner(fs, false);

  @Benchmark
  public Object netlinkSockDiag() {
    return netlink.sockets(p -> true);
  }

  @Benchmark
  public Object procNetTcp() {
    return procfs.sockets(p -> true);
  }
}
