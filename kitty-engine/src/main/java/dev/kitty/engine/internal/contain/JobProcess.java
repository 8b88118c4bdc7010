package dev.kitty.engine.internal.contain;

import dev.kitty.engine.internal.os.WinJobApi;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/**
 * A process kitty created itself in its Job Object (ADR 32), as a {@link Process} for the launcher:
 * it asks for its exit through its handle. Its output goes to the launch's log, so its streams are
 * empty. It is never destroyed through here: kitty stops processes through its gate (ADR 12).
 */
final class JobProcess extends Process {

  private final WinJobApi api;
  private final long handle;
  private final long pid;

  JobProcess(WinJobApi api, long handle, long pid) {
    this.api = api;
    this.handle = handle;
    this.pid = pid;
  }

  @Override
  public long pid() {
    return pid;
  }

  @Override
  public OutputStream getOutputStream() {
    return OutputStream.nullOutputStream();
  }

  @Override
  public InputStream getInputStream() {
    return InputStream.nullInputStream();
  }

  @Override
  public InputStream getErrorStream() {
    return InputStream.nullInputStream();
  }

  @Override
  public int waitFor() throws InterruptedException {
    while (!waitFor(1, TimeUnit.SECONDS)) {
      // Again: a daemon runs long.
    }
    return exitValue();
  }

  @Override
  public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    do {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      long slice = Math.min(50, Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
      if (api.waitFor(handle, slice)) {
        return true;
      }
    } while (System.nanoTime() < deadline);
    return false;
  }

  @Override
  public int exitValue() {
    // Asked of the handle's state, not the code: a process may exit with 259 (STILL_ACTIVE).
    if (!api.waitFor(handle, 0)) {
      throw new IllegalThreadStateException("process " + pid + " has not exited");
    }
    return api.exitCode(handle);
  }

  @Override
  public boolean isAlive() {
    return !api.waitFor(handle, 0);
  }

  @Override
  public void destroy() {
    throw new UnsupportedOperationException(
        "kitty stops its launches through the signal gate, never through Process.destroy");
  }

  @Override
  public ProcessHandle toHandle() {
    return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
  }
}
