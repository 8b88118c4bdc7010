package dev.kitty.engine.internal.discovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The parsers of discovery on recorded real output (kitty-engine's test resources): the Linux
 * socket table, a {@code /proc/PID/stat} line, macOS {@code lsof -F} and Windows {@code netstat
 * -ano}. The socket table is also measured at 10,000 rows (the recorded rows repeated), the size of
 * a busy machine's table in the scale benchmark. Lives in the parsers' package: they are not public
 * API.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ParserBenchmark {

  private String procNetTcp;
  private String procNetTcpBig;
  private String lsof;
  private String netstat;
  private final String statLine =
      "4242 (python3 -m http.server) S 1 4242 4242 0 -1 4194560 1204 0 0 0 12 3 0 0 20 0 1 0"
          + " 813245 26214400 2450 18446744073709551615 1 1 0 0 0 0 0 16781312 2 0 0 0 17 1 0 0"
          + " 0 0 0";

  @Setup
  public void load() throws IOException {
    Path dir =
        Path.of(System.getProperty("kitty.recorded", "kitty-engine/src/test/resources/recorded"));
    procNetTcp = Files.readString(dir.resolve("proc-net-tcp.txt"));
    lsof = Files.readString(dir.resolve("lsof-F-listen.txt"));
    netstat = Files.readString(dir.resolve("netstat-ano-windows.txt"));
    List<String> lines = procNetTcp.lines().toList();
    StringBuilder big = new StringBuilder(lines.getFirst()).append('\n');
    for (int i = 0; big.length() < 10_000 * 150; i++) {
      big.append(lines.get(1 + i % (lines.size() - 1))).append('\n');
    }
    procNetTcpBig = big.toString();
  }

  @Benchmark
  public Object procNetTcpRecorded() {
    return ProcNetTcpParser.parse(procNetTcp, false);
  }

  @Benchmark
  public Object procNetTcp10000RowsListenersOnly() {
    return ProcNetTcpParser.parse(procNetTcpBig, false, true);
  }

  @Benchmark
  public Object procStatLine() {
    return ProcStatParser.parse(statLine);
  }

  @Benchmark
  public Object lsofRecorded() {
    return LsofParser.parse(lsof);
  }

  @Benchmark
  public Object netstatRecorded() {
    return NetstatParser.parse(netstat);
  }
}
