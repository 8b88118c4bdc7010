package dev.kitty.engine.internal.contain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.engine.internal.os.WinCommandLine;
import dev.kitty.engine.internal.os.WinJobApi;
import dev.kitty.engine.model.Confinement;
import dev.kitty.engine.model.Limits;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Job Object per launch (ADR 32) on a fake of the Win32 job calls that behaves as Windows does
 * where it matters: a process's children are born in every job it is in, a job lives while a handle
 * or a process holds it, and a process resumed before it is in its job can start children outside —
 * which the fake records as an escape.
 */
class WindowsJobsTest {

  private static final String STATE = "0123456789abcdef";
  private static final String LAUNCH = "6f1c2a7e-0b5d-4d8e-9a41-3c2f7b9e1d05";

  /** The fake: every call in order, as {@code name arg…}. */
  static final class FakeJobs implements WinJobApi {
    final List<String> calls = new ArrayList<>();
    final Map<String, Set<Long>> jobs = new HashMap<>(); // name -> pids
    final Map<String, int[]> limits = new HashMap<>();
    final Map<String, Long> memory = new HashMap<>();
    final Map<Long, String> handles = new HashMap<>(); // job handles -> name
    final Map<Long, Long> processes = new HashMap<>(); // process handle -> pid
    final Set<Long> suspended = new LinkedHashSet<>();
    final Set<Long> escaped = new LinkedHashSet<>();
    int failAssign;
    private long next = 0x100;
    private long nextPid = 4000;

    @Override
    public synchronized long createJob(String name) {
      calls.add("createJob " + name);
      if (jobs.containsKey(name)) {
        return -183;
      }
      jobs.put(name, new LinkedHashSet<>());
      long h = next++;
      handles.put(h, name);
      return h;
    }

    @Override
    public synchronized long openJob(String name) {
      if (!jobs.containsKey(name)) {
        return -2; // ERROR_FILE_NOT_FOUND
      }
      long h = next++;
      handles.put(h, name);
      return h;
    }

    @Override
    public synchronized int limit(long job, int maxProcesses, long maxMemoryBytes, int cpu) {
      String name = handles.get(job);
      calls.add("limit " + name + " " + maxProcesses + " " + maxMemoryBytes + " " + cpu);
      limits.put(name, new int[] {maxProcesses, cpu});
      memory.put(name, maxMemoryBytes);
      return 0;
    }

    @Override
    public synchronized Created createSuspended(
        String commandLine, List<String> environment, String cwd, String log) {
      calls.add("createSuspended " + commandLine);
      long pid = nextPid++;
      long h = next++;
      processes.put(h, pid);
      suspended.add(pid);
      return new Created(h, next++, pid, 0);
    }

    @Override
    public synchronized int assign(long job, long process) {
      String name = handles.get(job);
      calls.add("assign " + name);
      if (failAssign > 0 && --failAssign == 0) {
        return 5; // ERROR_ACCESS_DENIED
      }
      jobs.get(name).add(processes.get(process));
      return 0;
    }

    @Override
    public synchronized int resume(long thread) {
      long pid = processes.get(thread - 1);
      calls.add("resume " + pid);
      suspended.remove(pid);
      // It runs at once and starts a child: born in every job its parent is in, and nowhere if
      // the parent is in none yet.
      long child = nextPid++;
      boolean inside = false;
      for (Set<Long> members : jobs.values()) {
        if (members.contains(pid)) {
          members.add(child);
          inside = true;
        }
      }
      if (!inside) {
        escaped.add(child);
      }
      return 0;
    }

    @Override
    public synchronized List<Long> pids(long job) {
      return unreadable ? null : List.copyOf(jobs.get(handles.get(job)));
    }

    boolean unreadable;

    @Override
    public synchronized int terminateJob(long job, int exitCode) {
      String name = handles.get(job);
      calls.add("terminateJob " + name);
      jobs.get(name).clear();
      return 0;
    }

    @Override
    public synchronized int terminate(long process, int exitCode) {
      long pid = processes.get(process);
      calls.add("terminate " + pid);
      suspended.remove(pid);
      jobs.values().forEach(m -> m.remove(pid));
      return 0;
    }

    @Override
    public int exitCode(long process) {
      return STILL_ACTIVE;
    }

    @Override
    public boolean waitFor(long process, long millis) {
      return false;
    }

    @Override
    public synchronized void close(long handle) {
      String name = handles.remove(handle);
      if (name != null && !handles.containsValue(name) && jobs.get(name).isEmpty()) {
        jobs.remove(name); // no handle, no process: Windows destroys the job
        calls.add("destroyed " + name);
      }
    }
  }

  private static ProcessBuilder command() {
    ProcessBuilder pb = new ProcessBuilder("node", "server.js", "--name", "my app");
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(new File("kitty.log")));
    return pb;
  }

  @Test
  void theProcessIsCreatedSuspendedPutIntoItsStacksJobAndItsOwnAndOnlyThenResumed()
      throws IOException {
    FakeJobs api = new FakeJobs();
    WindowsJobs jobs = new WindowsJobs(api, true);
    Confinement c =
        Confinement.ofStack("s1", new Limits(40, 1L << 30, 0), new Limits(5, 256L << 20, 50));
    Cell cell = jobs.create(STATE, LAUNCH, c).orElseThrow();
    String own = "Local\\kitty-" + STATE + "-" + LAUNCH;
    String group = "Local\\kitty-" + STATE + "-stack-s1";
    assertEquals(own, cell.path());
    assertTrue(jobs.enter(cell).isEmpty(), "no words before the command: kitty creates it itself");

    Process p = jobs.spawn(command(), cell, c).orElseThrow();
    assertEquals(
        List.of(
            "createJob " + own,
            "limit " + own + " 5 268435456 50",
            "createJob " + group,
            "limit " + group + " 40 1073741824 0",
            "createSuspended node server.js --name \"my app\"",
            "assign " + group,
            "assign " + own,
            "resume " + p.pid()),
        api.calls);
    assertTrue(api.escaped.isEmpty(), "its first child was born inside: " + api.escaped);
    assertEquals(2, jobs.members(cell).size(), "the process and its child");
    assertTrue(p.isAlive());
    assertTrue(api.handles.isEmpty(), "no job handle kept: the jobs live by their processes");
    assertTrue(api.jobs.containsKey(own) && api.jobs.containsKey(group), "and both still exist");
  }

  @Test
  void anAbandonedStartsJobGoesWithItsHandleAndAnUnreadableMemberListIsNeverEmpty() {
    FakeJobs api = new FakeJobs();
    WindowsJobs jobs = new WindowsJobs(api, true);
    Cell cell = jobs.create(STATE, LAUNCH, Confinement.NONE).orElseThrow();
    assertTrue(api.jobs.containsKey(cell.path()), "held open from create until the spawn");
    assertTrue(jobs.remove(cell));
    assertFalse(api.jobs.containsKey(cell.path()), "an abandoned start's job is destroyed");

    Cell other = jobs.create(STATE, "L2", Confinement.NONE).orElseThrow();
    api.unreadable = true;
    assertTrue(jobs.readMembers(other).isEmpty(), "unreadable, not empty");
    assertTrue(jobs.populated(other), "so the gate never kills over it");
  }

  @Test
  void aProcessThatCannotBePutIntoItsJobIsEndedBeforeItRuns() throws IOException {
    FakeJobs api = new FakeJobs();
    api.failAssign = 1;
    WindowsJobs jobs = new WindowsJobs(api, true);
    Cell cell = jobs.create(STATE, LAUNCH, Confinement.NONE).orElseThrow();
    IOException e =
        assertThrows(IOException.class, () -> jobs.spawn(command(), cell, Confinement.NONE));
    assertTrue(e.getMessage().contains("cannot put pid 4000 into its job object"), e.getMessage());
    assertTrue(api.calls.contains("terminate 4000"), api.calls.toString());
    assertFalse(api.calls.stream().anyMatch(x -> x.startsWith("resume")), "never resumed");
    assertTrue(api.escaped.isEmpty());
  }

  @Test
  void onlyTheJobNamedByTheLaunchIsKilledAndAnExistingNameIsNeverReused() {
    FakeJobs api = new FakeJobs();
    WindowsJobs jobs = new WindowsJobs(api, true);
    Cell cell = jobs.create(STATE, LAUNCH, Confinement.NONE).orElseThrow();
    assertTrue(jobs.notTheCellOf(cell, LAUNCH).isEmpty());
    assertTrue(jobs.notTheCellOf(cell, "another-launch").isPresent());
    assertTrue(jobs.notTheCellOf(new Cell("Global\\someone-" + LAUNCH, 0), LAUNCH).isPresent());
    assertEquals(null, jobs.kill(cell));
    assertEquals("terminateJob " + cell.path(), api.calls.getLast());

    // A job of that name already there (another kitty's, a squatter's) is not taken over.
    assertThrows(
        java.io.UncheckedIOException.class, () -> jobs.create(STATE, LAUNCH, Confinement.NONE));
  }

  @Test
  void switchedOffNoJobIsMade() {
    FakeJobs api = new FakeJobs();
    WindowsJobs jobs = new WindowsJobs(api, false);
    assertTrue(jobs.create(STATE, LAUNCH, Confinement.NONE).isEmpty());
    assertTrue(api.calls.isEmpty());
    assertTrue(jobs.describe().startsWith("session+cookie"));
  }

  @Test
  void commandLinesQuoteAsWindowsParsesThem() {
    assertEquals("a b", WinCommandLine.of(List.of("a", "b")));
    assertEquals("\"x y\" \"\"", WinCommandLine.of(List.of("x y", "")));
    assertEquals("\"say \\\"hi\\\"\"", WinCommandLine.of(List.of("say \"hi\"")));
    assertEquals("\"C:\\My Dir\\\\\"", WinCommandLine.of(List.of("C:\\My Dir\\")));
    assertEquals("C:\\dir\\x.exe", WinCommandLine.of(List.of("C:\\dir\\x.exe")));
    assertEquals("\"a\\\\\\\"b\"", WinCommandLine.of(List.of("a\\\"b")));
    // cmd.exe reads its own line: the command goes whole inside one pair of quotes.
    assertEquals(
        "cmd.exe /d /s /c \"node \"a b.js\" & echo x\"",
        WinCommandLine.of(List.of("cmd.exe", "/c", "node \"a b.js\" & echo x")));
  }
}
