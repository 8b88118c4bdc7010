package dev.kitty.engine.internal.contain;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.discovery.ProcessNode;
import dev.kitty.engine.internal.registry.FamilyRegistry;
import dev.kitty.engine.internal.signal.AuditLog;
import dev.kitty.engine.internal.signal.SignalGate;
import dev.kitty.engine.internal.signal.Signaller;
import dev.kitty.engine.model.Confinement;
import dev.kitty.testkit.TrackedProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill of a cell on a kernel without {@code cgroup.kill} (Linux 5.2–5.13, ADR 29), on a real
 * cgroup of this machine with the kernel's own {@code cgroup.kill} left unused: a loop that keeps
 * forking is frozen, each member gets KILL through its pidfd, and the cell is empty after.
 */
class FrozenCellKillIT {

  @RegisterExtension final TrackedProcesses procs = new TrackedProcesses();

  @TempDir Path state;

  @Test
  void aForkingLoopInAFrozenCellIsKilledMemberByMember() throws Exception {
    Containment detected = Containment.detect(Map.of());
    assumeTrue(detected instanceof CgroupV2, "no writable cgroup2 here: " + detected.describe());
    CgroupV2 cgroups = new CgroupV2(((CgroupV2) detected).root().getParent(), true, null, false);
    assertFalse(cgroups.killsAtOnce());
    String launch = "frozen-kill-" + ProcessHandle.current().pid();
    Cell cell = cgroups.create("0123456789abcdef", launch, Confinement.NONE).orElseThrow();
    try {
      procs.start(
          new ProcessBuilder(
              "sh",
              "-c",
              "echo $$ > \"$1\" && while :; do sleep 30 & sleep 0.02; done",
              "forker",
              cell.path() + "/cgroup.procs"));
      TrackedProcesses.await(
          "the loop forked a few", Duration.ofSeconds(5), () -> cgroups.members(cell).size() > 5);

      Platform real = Platform.detect();
      Platform platform =
          new Platform(real.name(), real.os(), real.processes(), real.listeners(), () -> cgroups);
      SignalGate gate =
          new SignalGate(
              platform,
              new FamilyRegistry(List.of(), List.of()),
              Signaller.forPlatform(platform),
              new AuditLog(state),
              false);
      long floor =
          real.processes()
              .node(ProcessHandle.current().pid())
              .map(ProcessNode::startTicks)
              .orElseThrow();
      gate.admitLaunch(launch, "test", floor);
      var killed = gate.killCell("test", launch, cell);
      assertTrue(killed.sent(), killed.verdict().reason() + " " + killed.error());
      assertTrue(
          cgroups.awaitEmpty(cell, Duration.ofSeconds(3)),
          "still in the cell: " + cgroups.members(cell));
      assertTrue(
          Files.readString(state.resolve("audit.log")).contains("\"cgroup.kill\""),
          "the decision is audited");
    } finally {
      if (cgroups.populated(cell)) {
        Files.writeString(Path.of(cell.path(), "cgroup.kill"), "1"); // this test's own cell
        cgroups.awaitEmpty(cell, Duration.ofSeconds(3));
      }
      cgroups.remove(cell);
    }
  }
}
