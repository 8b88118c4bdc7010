package dev.kitty.engine.internal.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.api.ProcessView;
import dev.kitty.engine.internal.signal.SignalGate.Target;
import dev.kitty.testkit.FakeWin32Api;
import dev.kitty.testkit.FakeWin32Api.Call;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Windows signaller's decisions on seed 002's process table (no Windows machine here): every
 * target is opened and its creation time checked before any is signalled, and every handle is
 * closed.
 */
class Win32SignallerTest {

  private final Map<Long, ProcessView> table =
      FakeWin32Api.table("/recorded/windows-processes-seed002.csv");
  private final FakeWin32Api api = new FakeWin32Api(table).protect(4);
  private final dev.kitty.engine.internal.signal.Win32Signaller win32 =
      new dev.kitty.engine.internal.signal.Win32Signaller(api);

  private Target target(long pid) {
    return new Target(pid, table.get(pid).startTicks(), "webui");
  }

  @Test
  void theRecordedTableReadsAsWindowsStartsProcesses() {
    assertEquals(7, table.size());
    assertEquals(17532L, table.get(35368L).ppid());
    assertEquals(
        java.time.Instant.parse("2025-12-14T09:30:12.296Z").toEpochMilli(),
        table.get(40880L).startTicks(),
        "CIM datetime to epoch ms, the unit of ProcessHandle.Info.startInstant()");
  }

  @Test
  void aTreeIsTerminatedInTheOrderGivenAndEveryHandleIsClosed() {
    List<Long> tree = List.of(17532L, 35368L, 40880L, 40900L, 40901L);
    List<String> out = win32.sendAll(tree.stream().map(this::target).toList(), Sig.TERM, null);
    assertEquals(Arrays.asList(null, null, null, null, null), out);
    assertEquals(
        tree.stream().map(pid -> new Call("TerminateProcess", pid)).toList(),
        api.calls(),
        "the cmd.exe wrappers before the python they would respawn");
    assertEquals(0, api.openHandles());
    assertTrue(table.containsKey(6120L), "explorer.exe untouched");
  }

  @Test
  void reusedGoneAndProtectedPidsAreRefusedBeforeAnythingIsSent() {
    Target reused = new Target(40880, table.get(40880L).startTicks() + 1, "webui");
    List<String> out =
        win32.sendAll(
            List.of(reused, new Target(99_999, 5, "webui"), target(4), target(40900)),
            Sig.KILL,
            null);
    assertEquals(Arrays.asList("reused", "gone", "EPERM: access denied", null), out);
    assertEquals(List.of(new Call("TerminateProcess", 40900)), api.calls());
    assertTrue(table.containsKey(40880L), "a creation time that differs is another process");
    assertEquals(0, api.openHandles());
  }

  @Test
  void aCallThatFailsIsAFailureNeverGone() {
    api.callFails(40901);
    assertEquals(
        List.of("OpenProcess could not be called"),
        win32.sendAll(List.of(target(40901)), Sig.KILL, null));
    assertTrue(table.containsKey(40901L));
  }

  @Test
  void aProcessThatExitsBetweenOpenAndSignalIsGoneNotFailed() {
    FakeWin32Api exiting = new FakeWin32Api(table).exitsBeforeTerminate(40880);
    assertEquals(
        List.of("gone"),
        new dev.kitty.engine.internal.signal.Win32Signaller(exiting)
            .sendAll(List.of(target(40880)), Sig.TERM, null));
    assertEquals(0, exiting.openHandles());
  }

  @Test
  void freezingIsSuspendAndResumeAndThereAreNoGroups() {
    assertTrue(win32.canFreeze());
    assertEquals(
        Arrays.asList(null, null),
        win32.sendAll(List.of(target(17532), target(35368)), Sig.STOP, null));
    assertEquals(
        Arrays.asList((String) null), win32.sendAll(List.of(target(17532)), Sig.CONT, null));
    assertEquals(
        List.of(
            new Call("NtSuspendProcess", 17532),
            new Call("NtSuspendProcess", 35368),
            new Call("NtResumeProcess", 17532)),
        api.calls());
    assertEquals(7, table.size(), "nothing terminated by a freeze");
    assertEquals("process groups do not exist on Windows", win32.sendGroup(17532, Sig.KILL));
  }

  @Test
  void theRealCallsAreNotLoadedOffWindows() {
    // On this Linux machine kernel32 does not exist: the platform chooses another signaller.
    assertTrue(dev.kitty.engine.internal.os.Kernel32.load().isEmpty());
  }
}
