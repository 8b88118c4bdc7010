package dev.kitty.engine.internal.contain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.engine.internal.discovery.Platform;
import dev.kitty.engine.internal.registry.FamilyRegistry;
import dev.kitty.engine.internal.signal.AuditLog;
import dev.kitty.engine.internal.signal.Outcome;
import dev.kitty.engine.internal.signal.SignalGate;
import dev.kitty.engine.model.Confinement;
import dev.kitty.testkit.RecordingSignaller;
import dev.kitty.testkit.TestWorld;
import dev.kitty.testkit.WorldPlatform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate's decision on a cgroup kill (ADR 29), on a folder that stands for the cgroup2 mount: the
 * cell must be one kitty made (in its subtree, the recorded id) for a launch this stop admitted.
 * Live cgroups are tested by {@code ContainmentIT}.
 */
class CellGateTest {

  /** The digest that names a state dir's folder of cells. */
  private static final String STATE_KEY = "0123456789abcdef";

  @TempDir Path mount;
  @TempDir Path state;

  private SignalGate gate(CgroupV2 cgroups, long... processes) {
    TestWorld world = new TestWorld();
    for (long pid : processes) {
      world.process(pid, 1, TestWorld.UID, "kitty");
    }
    Platform base = WorldPlatform.of(world, "fake");
    Platform platform =
        new Platform(base.name(), base.os(), base.processes(), base.listeners(), () -> cgroups);
    return new SignalGate(
        platform,
        new FamilyRegistry(List.of(), List.of()),
        new RecordingSignaller(world),
        new AuditLog(state),
        false);
  }

  @Test
  void onlyACellKittyMadeAndRecordedForAnAdmittedLaunchIsKilledAndEveryDecisionIsAudited()
      throws Exception {
    CgroupV2 cgroups = new CgroupV2(mount, true);
    Cell cell = cgroups.create(STATE_KEY, "L1", Confinement.NONE).orElseThrow();
    assertTrue(cell.path().startsWith(mount.resolve("kitty").toString()), cell.path());
    SignalGate gate = gate(cgroups);

    Outcome notAdmitted = gate.killCell("webui", "L1", cell);
    assertFalse(notAdmitted.sent());
    assertEquals(
        "launch L1 of webui is not one this stop admitted", notAdmitted.verdict().reason());

    gate.admitLaunch("L1", "webui", 0);
    Outcome outside = gate.killCell("webui", "L1", new Cell(mount.toString(), cell.id()));
    assertFalse(outside.sent());
    assertTrue(outside.verdict().reason().contains("is not a launch cell under"));

    // A cgroup made again under the recorded name has another id (cgroupfs never reuses one):
    // the record then names a cell that is no longer the one kitty made.
    Cell remade = new Cell(cell.path(), cell.id() + 1);
    Outcome stale = gate.killCell("webui", "L1", remade);
    assertFalse(stale.sent(), "a cell made again under the recorded name");
    assertTrue(
        stale.verdict().reason().contains("not the recorded " + remade.id()),
        stale.verdict().reason());

    Outcome killed = gate.killCell("webui", "L1", cell);
    assertTrue(killed.sent(), killed.toString());
    assertEquals("1", Files.readString(Path.of(cell.path(), "cgroup.kill")));

    List<String> audit = Files.readAllLines(state.resolve("audit.log"));
    assertEquals(4, audit.size(), String.join("\n", audit));
    assertTrue(audit.get(3).contains("\"cgroup.kill\"") && audit.get(3).contains("allowed"));
    assertTrue(audit.get(0).contains("refused"));
  }

  @Test
  void anotherLaunchsCellIsNotKilledThoughItIsKittysAndTheLaunchAdmitted() {
    CgroupV2 cgroups = new CgroupV2(mount, true);
    cgroups.create(STATE_KEY, "L1", Confinement.NONE).orElseThrow();
    Cell other = cgroups.create(STATE_KEY, "L2", Confinement.NONE).orElseThrow();
    SignalGate gate = gate(cgroups);
    gate.admitLaunch("L1", "webui", 0);
    Outcome refused = gate.killCell("webui", "L1", other);
    assertFalse(refused.sent());
    assertEquals(
        "cgroup " + other.path() + " is not the cell of launch L1", refused.verdict().reason());
    Outcome dotted = gate.killCell("webui", "L1", new Cell(other.path() + "/../L1", other.id()));
    assertFalse(dotted.sent(), "a path that is not normalized is refused, not resolved");
  }

  @Test
  void aProcessOlderThanTheLaunchInItsCellIsNotKilledWithIt() throws Exception {
    // Born in the cell means started after the launch: an older process was moved in.
    CgroupV2 cgroups = new CgroupV2(mount, true);
    Cell cell = cgroups.create(STATE_KEY, "L4", Confinement.NONE).orElseThrow();
    Files.writeString(Path.of(cell.path(), "cgroup.procs"), "4242\n");
    SignalGate gate = gate(cgroups, 4242);
    gate.admitLaunch("L4", "webui", 4242 * 10 + 1);
    Outcome refused = gate.killCell("webui", "L4", cell);
    assertFalse(refused.sent());
    assertTrue(
        refused.verdict().reason().endsWith("started before the launch"), refused.toString());
  }

  @Test
  void aCellHoldingAProcessTheGateProtectsIsNotKilled() throws Exception {
    // Being in the cell proves a process is the launch's; the gate's other rules still hold: here
    // the cell holds kitty itself (a pid among its ancestors).
    CgroupV2 cgroups = new CgroupV2(mount, true);
    Cell cell = cgroups.create(STATE_KEY, "L3", Confinement.NONE).orElseThrow();
    long me = ProcessHandle.current().pid();
    Files.writeString(Path.of(cell.path(), "cgroup.procs"), me + "\n");
    SignalGate gate = gate(cgroups, me);
    gate.admitLaunch("L3", "webui", 0);
    Outcome refused = gate.killCell("webui", "L3", cell);
    assertFalse(refused.sent());
    assertTrue(
        refused
            .verdict()
            .reason()
            .endsWith("pid " + me + " is kitty itself or one of its ancestors"),
        refused.verdict().reason());
    assertFalse(Files.exists(Path.of(cell.path(), "cgroup.kill")), "nothing was written");
  }

  @Test
  void aCellIsRemovedOnlyWhenEmptyAndOnlyInsideTheSubtree() throws Exception {
    CgroupV2 cgroups = new CgroupV2(mount, true);
    Cell cell = cgroups.create(STATE_KEY, "L2", Confinement.NONE).orElseThrow();
    Files.writeString(Path.of(cell.path(), "cgroup.procs"), "4242\n");
    assertEquals(List.of(4242L), cgroups.members(cell));
    assertTrue(cgroups.populated(cell));
    assertFalse(cgroups.remove(cell), "a populated cell stays");
    Files.delete(Path.of(cell.path(), "cgroup.procs"));
    assertFalse(cgroups.populated(cell));
    assertTrue(cgroups.remove(cell));
    assertFalse(Files.exists(Path.of(cell.path())));
    assertFalse(Files.exists(Path.of(cell.path()).getParent()), "the state dir's folder went too");
    Path foreign = Files.createDirectories(mount.resolve("other/cell"));
    assertFalse(cgroups.remove(new Cell(foreign.toString(), 1)));
    assertTrue(Files.exists(foreign), "outside kitty's subtree nothing is removed");
  }

  @Test
  void aSweepPrunesOnlyEmptyCellsOlderThanAStartNeeds() throws Exception {
    CgroupV2 cgroups = new CgroupV2(mount, true);
    java.nio.file.attribute.FileTime old =
        java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000);
    Cell stale = cgroups.create(STATE_KEY, "old-empty", Confinement.NONE).orElseThrow();
    Files.setLastModifiedTime(Path.of(stale.path()), old);
    Cell busy = cgroups.create(STATE_KEY, "old-busy", Confinement.NONE).orElseThrow();
    Files.writeString(Path.of(busy.path(), "cgroup.procs"), "4242\n");
    Files.setLastModifiedTime(Path.of(busy.path()), old);
    Cell fresh = cgroups.create(STATE_KEY, "being-made", Confinement.NONE).orElseThrow();

    assertEquals(1, cgroups.pruneEmpty(java.time.Duration.ofSeconds(10)));
    assertFalse(Files.exists(Path.of(stale.path())));
    assertTrue(Files.exists(Path.of(busy.path())), "a populated cell stays");
    assertTrue(Files.exists(Path.of(fresh.path())), "a cell a start may still be entering stays");
  }
}
