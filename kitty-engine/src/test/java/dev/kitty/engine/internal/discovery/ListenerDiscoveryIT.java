package dev.kitty.engine.internal.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kitty.api.ListenerView;
import dev.kitty.api.ProcessView;
import dev.kitty.testkit.FixtureDaemons;
import dev.kitty.testkit.TrackedProcesses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Linux backend against real processes on real loopback sockets. */
class ListenerDiscoveryIT {

  @RegisterExtension final TrackedProcesses procs = new TrackedProcesses();

  private final Platform linux = Platform.linux(Path.of("/proc"));

  private List<ListenerView> on(int port) {
    return linux.listeners().listeners(p -> p == port);
  }

  @Test
  void aPythonHttpServerIsFoundWithItsPidAndCookie() {
    int port = TrackedProcesses.freePort(20000, 20100);
    Process p =
        procs.start("python3", "-m", "http.server", Integer.toString(port), "--bind", "127.0.0.1");
    TrackedProcesses.awaitListening("127.0.0.1", port, Duration.ofSeconds(10));
    List<ListenerView> ls = on(port);
    assertEquals(1, ls.size(), ls.toString());
    assertEquals("127.0.0.1", ls.getFirst().address());
    assertEquals(List.of(p.pid()), ls.getFirst().holderPids());
    ProcessView v = linux.processes().view(p.pid()).orElseThrow();
    assertEquals(ProcessHandle.current().pid(), v.ppid());
    assertEquals(TrackedProcesses.RUN_ID, v.cookies().get("KITTY_TEST"));
    assertTrue(v.args().contains("http.server"), v.args().toString());
    assertTrue(v.startTime() != null && v.startTicks() > 0);
  }

  @Test
  void aProcFsThatChangesUnderTheScanNeverBreaksItNorLosesAListener() throws Exception {
    int port = TrackedProcesses.freePort(20200, 20300);
    Process server =
        procs.start("python3", "-m", "http.server", Integer.toString(port), "--bind", "127.0.0.1");
    TrackedProcesses.awaitListening("127.0.0.1", port, Duration.ofSeconds(10));
    // Processes appear and vanish while the scans walk /proc: each churner starts short-lived
    // children that open and close sockets, so fd tables change between listing and reading.
    String churn =
        "import socket, subprocess, time\n"
            + "end = time.time() + 8\n"
            + "while time.time() < end:\n"
            + "    subprocess.Popen(['python3', '-c', 'import socket; s = socket.socket(); s.close()'])\n"
            + "    s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(); s.close()\n"
            + "    time.sleep(0.005)\n";
    List<Process> churners =
        List.of(procs.start("python3", "-c", churn), procs.start("python3", "-c", churn));
    int scans = 0;
    while (churners.stream().anyMatch(Process::isAlive)) {
      List<ListenerView> ls = on(port);
      assertEquals(1, ls.size(), "scan " + scans + ": " + ls);
      assertEquals(List.of(server.pid()), ls.getFirst().holderPids(), "scan " + scans);
      linux.processes().nodes(); // the whole process table, read while it changes
      scans++;
    }
    assertTrue(scans >= 20, "scans made while /proc changed: " + scans);
  }

  @Test
  void netlinkAndProcNetTcpAgreeOnEveryListenerOfThisMachine() throws Exception {
    int v4 = TrackedProcesses.freePort(20300, 20400);
    int v6 = TrackedProcesses.freePort(20400, 20500);
    procs.start("python3", "-m", "http.server", Integer.toString(v4), "--bind", "127.0.0.1");
    procs.start("python3", "-m", "http.server", Integer.toString(v6), "--bind", "::1");
    TrackedProcesses.awaitListening("127.0.0.1", v4, Duration.ofSeconds(10));
    TrackedProcesses.awaitListening("::1", v6, Duration.ofSeconds(10));
    ProcFs fs = new ProcFs(Path.of("/proc"));
    ProcNetListenerScanner netlink = new ProcNetListenerScanner(fs, true);
    ProcNetListenerScanner proc = new ProcNetListenerScanner(fs, false);
    // Listeners can come and go on a shared machine between the two reads: compare ours exactly
    // and the rest as sets read back to back, retried once.
    java.util.function.Function<ProcNetListenerScanner, java.util.Set<String>> seen =
        sc ->
            sc.sockets(p -> true).stream()
                .map(l -> l.address() + " " + l.port() + " " + l.ipv6() + " " + l.inode())
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    java.util.Set<String> a = seen.apply(netlink);
    java.util.Set<String> b = seen.apply(proc);
    if (!a.equals(b)) {
      a = seen.apply(netlink);
      b = seen.apply(proc);
    }
    assertEquals("netlink sock_diag", netlink.source(), "this kernel answers sock_diag (ss does)");
    assertEquals(b, a);
    assertTrue(a.stream().anyMatch(x -> x.startsWith("127.0.0.1 " + v4 + " false")), a.toString());
    assertTrue(a.stream().anyMatch(x -> x.startsWith("::1 " + v6 + " true")), a.toString());
    assertEquals(netlink.listeners(p -> p == v4), proc.listeners(p -> p == v4), "holders too");
  }

  @Test
  void anIpv6LoopbackListenerIsFound() {
    int port = TrackedProcesses.freePort(20100, 20200);
    Process p =
        procs.start("python3", "-m", "http.server", Integer.toString(port), "--bind", "::1");
    TrackedProcesses.awaitListening("::1", port, Duration.ofSeconds(10));
    ListenerView l = on(port).getFirst();
    assertEquals("::1", l.address());
    assertTrue(l.ipv6());
    assertEquals(List.of(p.pid()), l.holderPids());
  }

  @Test
  void anNcListenerIsFound() {
    assumeTrue(
        TrackedProcesses.onPath("nc"), "nc is not installed (.ci/run installs netcat-openbsd)");
    int port = TrackedProcesses.freePort(20200, 20300);
    Process p = procs.start("nc", "-l", "-k", "127.0.0.1", Integer.toString(port));
    TrackedProcesses.awaitListening("127.0.0.1", port, Duration.ofSeconds(10));
    assertEquals(List.of(p.pid()), on(port).getFirst().holderPids());
  }

  @Test
  void aJavaServerSocketInThisJvmIsHeldByThisJvm() throws Exception {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      List<ListenerView> ls = on(s.getLocalPort());
      assertEquals(1, ls.size(), ls.toString());
      assertEquals(List.of(ProcessHandle.current().pid()), ls.getFirst().holderPids());
    }
  }

  @Test
  void aSocketSharedByAParentAndItsChildListsBothAndTheParentOwnsIt() throws Exception {
    int port = TrackedProcesses.freePort(20300, 20400);
    FixtureDaemons.SharedSocket shared = FixtureDaemons.sharedSocket(procs, port, "holder");
    Process parent = shared.owner();
    long child = shared.child();
    ListenerView l = on(port).getFirst();
    assertEquals(
        List.of(Math.min(parent.pid(), child), Math.max(parent.pid(), child)), l.holderPids());
    ProcessSnapshot snap = new ProcessSnapshot(linux.processes());
    assertEquals(parent.pid(), snap.owner(l.holderPids()).orElseThrow());
    assertEquals(
        List.of(child), snap.children(parent.pid()).stream().map(ProcessView::pid).toList());
  }
}
