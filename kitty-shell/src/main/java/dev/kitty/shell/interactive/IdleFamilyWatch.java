package dev.kitty.shell.interactive;

import dev.kitty.engine.Kitty;
import dev.kitty.shell.command.Session;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reloads the family folders while the shell's prompt waits (ADR 33): a jar dropped in, replaced or
 * removed is said above the prompt as it happens, not only before the next command. A {@link
 * WatchService} on every family folder that exists wakes it; a jar still being written keeps it
 * looking once a second until the jar settles. It never reloads while a command runs: {@link
 * #prompting} and {@link #commandStarts} bracket the wait at the prompt, and a command starts only
 * after a reload in progress has said what it changed.
 */
final class IdleFamilyWatch implements AutoCloseable {

  /**
   * How long the folders must be quiet before a reload: a copy is a burst of events, and a jar
   * changed in the last 2 s is not opened (ADR 33), so waiting them out says "loaded" once instead
   * of "being written" first.
   */
  private static final long QUIET_MS = 2_100;

  private final Session session;
  private final Consumer<String> say;
  private final WatchService watch;
  private final Set<Path> watched = new HashSet<>();
  private final Object gate = new Object();
  private final Thread thread;
  private boolean idle;

  private IdleFamilyWatch(Session session, Consumer<String> say, WatchService watch) {
    this.session = session;
    this.say = say;
    this.watch = watch;
    this.thread = Thread.ofPlatform().daemon().name("kitty-family-watch").start(this::run);
  }

  /**
   * Starts watching, or returns null when this file system offers no watch service (the check
   * before each command still sees every change).
   */
  static IdleFamilyWatch start(Session session, Consumer<String> say) {
    try {
      return new IdleFamilyWatch(session, say, FileSystems.getDefault().newWatchService());
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  /** The prompt is about to wait for a line: changes may be said from now on. */
  void prompting() {
    synchronized (gate) {
      idle = true;
    }
  }

  /**
   * A line was read: waits for a reload in progress to finish, then keeps away until {@link
   * #prompting}.
   */
  void commandStarts() {
    synchronized (gate) {
      idle = false;
    }
  }

  private void run() {
    boolean pending = false;
    try {
      while (true) {
        // A folder watched for the first time may have got its jars before it was: look at once.
        boolean look = register();
        if (!look) {
          // Woken by an event; or, with a jar settling, after a second; or every 5 s to watch a
          // folder made since, or one that a later command's options brought in.
          WatchKey key = watch.poll(pending ? 1 : 5, TimeUnit.SECONDS);
          drain(key);
          look = key != null || pending;
        }
        if (!look) {
          continue;
        }
        for (WatchKey more = watch.poll(QUIET_MS, TimeUnit.MILLISECONDS);
            more != null;
            more = watch.poll(QUIET_MS, TimeUnit.MILLISECONDS)) {
          drain(more);
        }
        try {
          pending = reloadIfIdle();
        } catch (RuntimeException | java.io.IOError e) {
          // A reload that failed (a config made unreadable, a terminal gone) is the next
          // command's to report; the watch goes on.
          pending = false;
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException done) {
      // The shell is leaving.
    }
  }

  /** Reloads and says what changed, if the prompt is waiting; true while something is unsettled. */
  private boolean reloadIfIdle() {
    synchronized (gate) {
      if (!idle) {
        return true; // the next command's own check sees it; look again when the prompt is back
      }
      session.reloadFamilies(false).forEach(say);
      Kitty k = session.loadedKitty();
      return k != null && k.familyFoldersChanged();
    }
  }

  private void drain(WatchKey key) {
    if (key != null) {
      key.pollEvents();
      if (!key.reset()) {
        // The folder went (deleted, or moved): watched again once it is back.
        watched.remove((Path) key.watchable());
      }
    }
  }

  /**
   * Watches every family folder of the loaded engine that exists and is not watched yet; true when
   * one was added.
   */
  private boolean register() {
    boolean added = false;
    Kitty k = session.loadedKitty();
    List<Path> folders = k == null ? List.of() : k.options().familyPaths();
    for (Path f : folders) {
      Path dir = f.toAbsolutePath().normalize();
      if (!watched.contains(dir) && Files.isDirectory(dir)) {
        try {
          dir.register(
              watch,
              StandardWatchEventKinds.ENTRY_CREATE,
              StandardWatchEventKinds.ENTRY_MODIFY,
              StandardWatchEventKinds.ENTRY_DELETE);
          watched.add(dir);
          added = true;
        } catch (IOException e) {
          // Unreadable now: the check before each command reports it; tried again in 5 s.
        }
      }
    }
    return added;
  }

  @Override
  public void close() {
    thread.interrupt();
    try {
      watch.close();
    } catch (IOException e) {
      // Nothing is left to release.
    }
  }
}
