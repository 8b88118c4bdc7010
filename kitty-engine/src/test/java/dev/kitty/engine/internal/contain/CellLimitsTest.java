package dev.kitty.engine.internal.contain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.engine.model.CgroupUsage;
import dev.kitty.engine.model.Confinement;
import dev.kitty.engine.model.Limits;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What kitty writes to limit a cell (ADR 30), on folders that stand for the cgroup file systems: a
 * pure v2 host, whose controllers are in the cell, and a hybrid one, whose v1 hierarchies get
 * companion cgroups. The kernel enforcing them is tested live by {@code ContainmentIT}.
 */
class CellLimitsTest {

  private static final String STATE_KEY = "0123456789abcdef";
  private static final long MIB = 1024 * 1024;
  private static final Confinement STACK =
      Confinement.ofStack("s1", new Limits(20, 256 * MIB, 0), new Limits(5, 64 * MIB, 50));

  @TempDir Path mount;
  @TempDir Path v1;

  private static String read(Path p) throws Exception {
    return Files.readString(p).trim();
  }

  @Test
  void onAUnifiedHostTheControllersAreEnabledDownToTheCellAndTheLimitsWrittenInIt()
      throws Exception {
    Files.writeString(mount.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids\n");
    // The mount's own subtree already has them (as systemd leaves it): nothing is written there.
    Files.writeString(mount.resolve("cgroup.subtree_control"), "cpu memory pids\n");
    CgroupV2 cgroups = new CgroupV2(mount, true, Controllers.of(mount, List.of()), true);
    Cell cell = cgroups.create(STATE_KEY, "L1", STACK).orElseThrow();

    Path group = mount.resolve("kitty").resolve(STATE_KEY).resolve("stack-s1");
    assertEquals(group.resolve("L1").toString(), cell.path(), "the service is a cell of the stack");
    assertEquals("cpu memory pids", read(mount.resolve("cgroup.subtree_control")));
    for (Path level : List.of(mount.resolve("kitty"), group.getParent(), group)) {
      assertEquals("+pids +memory +cpu", read(level.resolve("cgroup.subtree_control")), "" + level);
    }
    assertEquals("20", read(group.resolve("pids.max")));
    assertEquals("" + 256 * MIB, read(group.resolve("memory.max")));
    assertEquals("max 100000", read(group.resolve("cpu.max")));
    Path c = Path.of(cell.path());
    assertEquals("5", read(c.resolve("pids.max")));
    assertEquals("" + 64 * MIB, read(c.resolve("memory.max")));
    assertEquals("50000 100000", read(c.resolve("cpu.max")));
    assertEquals(
        List.of(c.resolve("cgroup.procs").toString(), "--"),
        cgroups.enter(cell).subList(4, cgroups.enter(cell).size()),
        "no companion to enter: the cell itself limits");

    Files.writeString(c.resolve("pids.current"), "3\n");
    Files.writeString(c.resolve("memory.current"), "1000\n");
    Files.writeString(c.resolve("memory.events"), "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n");
    Files.writeString(c.resolve("pids.events"), "max 7\n");
    assertEquals(new CgroupUsage(3, 5, 1000, 64 * MIB, 1, 7), cgroups.usage(cell));
    assertTrue(cgroups.unenforced(STACK).isEmpty());
    assertTrue(cgroups.describe().contains("limits enforced: pids, memory, cpu by cgroup v2"));
  }

  @Test
  void onAHybridHostEachV1HierarchyGetsACompanionEnteredBeforeTheCellAndRemovedWithIt()
      throws Exception {
    Files.writeString(mount.resolve("cgroup.controllers"), "hugetlb\n");
    List<String> mountinfo = new java.util.ArrayList<>();
    for (String c : List.of("pids", "memory", "cpu")) {
      Files.createDirectories(v1.resolve(c));
      mountinfo.add("39 31 0:36 / " + v1.resolve(c) + " rw,relatime - cgroup cgroup rw," + c);
    }
    mountinfo.add("40 31 0:37 / " + v1.resolve("systemd") + " rw - cgroup cgroup rw,name=systemd");
    mountinfo.add("41 31 0:38 / " + mount + " rw,relatime - cgroup2 cgroup2 rw");
    CgroupV2 cgroups = new CgroupV2(mount, true, Controllers.of(mount, mountinfo), true);
    Cell cell = cgroups.create(STATE_KEY, "L1", STACK).orElseThrow();

    String rel = STATE_KEY + "/stack-s1/L1";
    Path pids = v1.resolve("pids/kitty").resolve(rel);
    Path memory = v1.resolve("memory/kitty").resolve(rel);
    Path cpu = v1.resolve("cpu/kitty").resolve(rel);
    assertEquals("5", read(pids.resolve("pids.max")));
    assertEquals("20", read(pids.getParent().resolve("pids.max")), "the stack's own limit");
    assertEquals("" + 64 * MIB, read(memory.resolve("memory.limit_in_bytes")));
    assertEquals("" + 256 * MIB, read(memory.getParent().resolve("memory.limit_in_bytes")));
    assertEquals("50000", read(cpu.resolve("cpu.cfs_quota_us")));
    assertEquals("-1", read(cpu.getParent().resolve("cpu.cfs_quota_us")));
    assertFalse(Files.exists(Path.of(cell.path(), "pids.max")), "nothing written to the v2 cell");
    List<String> enter = cgroups.enter(cell);
    assertEquals(
        List.of(
            pids.resolve("cgroup.procs").toString(),
            memory.resolve("cgroup.procs").toString(),
            cpu.resolve("cgroup.procs").toString(),
            cell.path() + "/cgroup.procs",
            "--"),
        enter.subList(4, enter.size()),
        "the companions first, the cell last");

    Files.writeString(pids.resolve("pids.current"), "2\n");
    Files.writeString(memory.resolve("memory.usage_in_bytes"), "4096\n");
    Files.writeString(
        memory.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
    assertEquals(new CgroupUsage(2, 5, 4096, 64 * MIB, 2, -1), cgroups.usage(cell));
    assertTrue(
        cgroups.describe().contains("pids, memory, cpu by cgroup v1 companions (hybrid host)"),
        cgroups.describe());

    // The folders stand for cgroups: the kernel would take their files with them.
    for (Path p :
        List.of(pids, memory, cpu, pids.getParent(), memory.getParent(), cpu.getParent())) {
      try (var files = Files.list(p)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          Files.delete(f);
        }
      }
    }
    assertTrue(cgroups.remove(cell));
    assertFalse(Files.exists(pids), "the companions go with the cell");
    assertFalse(Files.exists(cpu.getParent()), "and the stack's group once it is empty");
  }

  @Test
  void aLimitTheMachineCannotEnforceIsNamedAndOneTheKernelRefusesFailsTheCell() throws Exception {
    CgroupV2 none = new CgroupV2(mount, true, Controllers.of(mount, List.of()), true);
    assertEquals(
        List.of(
            "the process limit (no pids controller)",
            "the memory limit (no memory controller)",
            "the CPU limit (no cpu controller)"),
        none.unenforced(STACK));
    assertTrue(none.describe().contains("limits enforced: none"), none.describe());
    assertEquals(
        List.of("the process limit (no pids controller)"),
        Containment.none("x").unenforced(new Confinement(null, null, new Limits(3, 0, 0))));
    assertEquals(
        3,
        new CgroupV2(mount, false).unenforced(STACK).size(),
        "switched off, nothing is enforced, and the note says so");

    Files.writeString(mount.resolve("cgroup.controllers"), "pids\n");
    Files.createDirectories(mount.resolve("kitty").resolve(STATE_KEY).resolve("L2/pids.max"));
    CgroupV2 pids = new CgroupV2(mount, true, Controllers.of(mount, List.of()), true);
    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class,
            () -> pids.create(STATE_KEY, "L2", new Confinement(null, null, new Limits(3, 0, 0))));
    assertTrue(e.getMessage().contains("cannot write \"3\" to "), e.getMessage());
    assertTrue(e.getMessage().contains("L2/pids.max"), e.getMessage());
  }
}
