package dev.kitty.engine.internal.identity;

import dev.kitty.api.CleanupClass;
import dev.kitty.api.Identity;
import dev.kitty.api.ListenerView;
import dev.kitty.api.ProcessView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The {@code never_touch} verdicts of a long-lived kitty's recent scans (the shell, {@code watch},
 * the dashboard), reused for a short time by its next scans instead of probing the same third-party
 * listener again (ADR 23). Only {@code never_touch} is kept: such a verdict can never lead to a
 * signal, so a stale one costs at most a late report, never a wrongful kill; a verdict that allows
 * a stop ({@code safe_auto}, {@code operator_required}) or names the live daemon on record is
 * always probed afresh. An entry is bound to the listener's socket inode and holders and to its
 * owner's pid and start time, so a new socket or a new process is never answered from the cache.
 */
public final class VerdictCache {

  /** What a verdict was about. */
  record Key(
      String family,
      String address,
      int port,
      long inode,
      List<Long> holders,
      long ownerPid,
      long ownerStartTicks,
      Instant ownerStart) {

    static Key of(String family, ListenerView l, ProcessView owner) {
      return new Key(
          family,
          l.address(),
          l.port(),
          l.inode(),
          l.holderPids(),
          owner.pid(),
          owner.startTicks(),
          owner.startTime());
    }
  }

  private record Entry(Identity verdict, long expires, List<Stamp> evidence) {}

  /**
   * A file a probe read as it was then: its kind, size, modification and change times, inode, mode
   * and owner (a probe may decide on who can write it: {@code chmod} and {@code chown} change only
   * the change time), read without following a link. Any difference, appearing or vanishing
   * included, is a change.
   */
  record Stamp(String path, String state) {
    static Stamp of(String path) {
      java.nio.file.Path p = java.nio.file.Path.of(path);
      try {
        try {
          return new Stamp(
              path,
              String.valueOf(
                  java.nio.file.Files.readAttributes(
                      p,
                      "unix:size,lastModifiedTime,ctime,ino,mode,uid,gid",
                      java.nio.file.LinkOption.NOFOLLOW_LINKS)));
        } catch (UnsupportedOperationException | IllegalArgumentException notUnix) {
          var a =
              java.nio.file.Files.readAttributes(
                  p,
                  java.nio.file.attribute.BasicFileAttributes.class,
                  java.nio.file.LinkOption.NOFOLLOW_LINKS);
          return new Stamp(
              path,
              (a.isDirectory() ? "d" : a.isRegularFile() ? "f" : "o")
                  + a.size()
                  + "@"
                  + a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS)
                  + "#"
                  + a.fileKey());
        }
      } catch (java.nio.file.NoSuchFileException e) {
        return new Stamp(path, "absent");
      } catch (java.io.IOException | RuntimeException e) {
        return new Stamp(path, "unreadable: " + e.getClass().getSimpleName());
      }
    }

    boolean unchanged() {
      return equals(of(path));
    }
  }

  /** Above this many entries, expired ones are dropped on the next store. */
  private static final int SWEEP_AT = 4096;

  private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
  private final long ttlNanos;
  private final LongSupplier clock;

  /** A cache whose entries live {@code ttl}; {@link Duration#ZERO} keeps nothing. */
  public VerdictCache(Duration ttl) {
    this(ttl, System::nanoTime);
  }

  VerdictCache(Duration ttl, LongSupplier clock) {
    this.ttlNanos = ttl.toNanos();
    this.clock = clock;
  }

  /** A cache that keeps nothing: every scan probes everything (one-shot commands, tests). */
  public static VerdictCache none() {
    return new VerdictCache(Duration.ZERO);
  }

  /** The cached verdict of {@code family} on {@code l} held by {@code owner}, if still fresh. */
  Optional<Identity> get(String family, ListenerView l, ProcessView owner) {
    if (ttlNanos == 0 || owner == null || owner.startTime() == null) {
      return Optional.empty();
    }
    Entry e = entries.get(Key.of(family, l, owner));
    if (e == null
        || clock.getAsLong() - e.expires() > 0
        || !e.evidence().stream().allMatch(Stamp::unchanged)) {
      return Optional.empty();
    }
    return Optional.of(e.verdict());
  }

  /** As below, for a verdict that read no files. */
  void put(String family, ListenerView l, ProcessView owner, Identity verdict) {
    put(family, l, owner, verdict, List.of());
  }

  /**
   * Keeps {@code verdict} when it is a {@code never_touch} that can be bound to its owner, for as
   * long as the files of {@code evidence} (what the probe read, stamped as it read them) stay so.
   */
  void put(
      String family, ListenerView l, ProcessView owner, Identity verdict, List<Stamp> evidence) {
    if (ttlNanos == 0
        || owner == null
        || owner.startTime() == null
        || verdict.cleanupClass() != CleanupClass.NEVER_TOUCH
        || verdict.recorded()) {
      return;
    }
    long now = clock.getAsLong();
    if (entries.size() >= SWEEP_AT) {
      entries.values().removeIf(e -> now - e.expires() > 0);
    }
    entries.put(
        Key.of(family, l, owner),
        new Entry(verdict, now + ttlNanos, evidence.stream().distinct().toList()));
  }

  /** How many verdicts are kept (for tests and the benchmark). */
  int size() {
    return entries.size();
  }
}
