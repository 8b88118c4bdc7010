package dev.kitty.api.support;

import dev.kitty.api.FileEvidence;
import dev.kitty.api.ProbeContext;
import dev.kitty.api.ProcessView;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * How a daemon proves, over loopback HTTP, that it knows a secret (the nonce in the marker only it
 * wrote, a token in a record) without revealing it: the probe sends a fresh random challenge, the
 * daemon answers HMAC-SHA256(secret, challenge). A process that copied a health payload, or replays
 * an old answer, cannot produce it. Shared by the families whose daemons kitty starts (ADR 14).
 *
 * <p>Stability: experimental.
 */
public final class DaemonProof {

  /** The query parameter of a health request that carries the challenge. */
  public static final String CHALLENGE = "challenge";

  /**
   * How far a marker's start time may be from the one the process table reports: /proc start times
   * are derived from a boot time of one-second resolution.
   */
  public static final java.time.Duration START_TOLERANCE = java.time.Duration.ofSeconds(1);

  /**
   * The layout version daemons write into their markers ({@code schema_version}); a marker without
   * one is version 1, a newer one is refused rather than guessed at.
   */
  public static final int MARKER_SCHEMA_VERSION = 1;

  private DaemonProof() {}

  /**
   * The marker at {@code path} as evidence that it was written by process {@code p} listening on
   * {@code port}: this user's, not world-writable, a JSON object whose {@code pid}, {@code port},
   * {@code start_time} (within {@link #START_TOLERANCE}) name {@code p}, with a {@code nonce}.
   *
   * @return the marker's fields, or null when there is no marker at all
   * @throws IllegalArgumentException saying why the marker proves nothing
   */
  public static java.util.Map<String, Object> readMarker(
      ProbeContext ctx, String path, ProcessView p, int port) {
    FileEvidence file = ctx.readFile(path);
    if (file.absent()) {
      return null;
    }
    if (file.text() == null) {
      throw new IllegalArgumentException("marker " + path + " cannot be read: " + file.error());
    }
    if (file.worldWritable() || (file.ownerUid() >= 0 && file.ownerUid() != ctx.currentUid())) {
      throw new IllegalArgumentException(
          "marker " + path + " is world-writable or another user's: refused as evidence");
    }
    java.util.Map<String, Object> m;
    java.time.Instant start;
    try {
      m = JsonText.parseObject(file.text());
      start = java.time.Instant.parse(String.valueOf(m.get("start_time")));
      if (!(m.get("pid") instanceof Long) || !(m.get("port") instanceof Long)) {
        throw new IllegalArgumentException("pid and port must be integers");
      }
      if (!(m.get("nonce") instanceof String)) {
        throw new IllegalArgumentException("no nonce");
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("marker " + path + " is corrupt: " + e.getMessage());
    }
    Object version = m.getOrDefault("schema_version", (long) MARKER_SCHEMA_VERSION);
    if (!(version instanceof Long v) || v > MARKER_SCHEMA_VERSION) {
      throw new IllegalArgumentException(
          "marker "
              + path
              + " has schema_version "
              + version
              + ", which this kitty does not read (up to "
              + MARKER_SCHEMA_VERSION
              + ")");
    }
    if ((Long) m.get("pid") != p.pid() || (Long) m.get("port") != port) {
      throw new IllegalArgumentException(
          "marker "
              + path
              + " names pid "
              + m.get("pid")
              + " port "
              + m.get("port")
              + ", not this listener");
    }
    if (p.startTime() == null
        || java.time.Duration.between(start, p.startTime()).abs().compareTo(START_TOLERANCE) > 0) {
      throw new IllegalArgumentException(
          "marker "
              + path
              + " was written by a process started at "
              + start
              + ", pid "
              + p.pid()
              + " started at "
              + p.startTime()
              + " (pid reused?)");
    }
    return m;
  }

  /**
   * Whether {@code answer}'s {@code field} is the proof of {@code secret} for {@code challenge}.
   */
  public static boolean answers(
      java.util.Map<String, Object> answer, String field, String secret, String challenge) {
    return secret != null
        && proofMatches(proof(secret, challenge), JsonFields.string(answer, field).orElse(null));
  }

  /**
   * Why a daemon whose command line names {@code namedPort} is not the listener being classified
   * (another port, or {@code p} does not hold it); empty when it is. Both spec-kitty proofs ask it
   * first.
   */
  public static java.util.Optional<String> notTheListener(
      ProbeContext ctx, ProcessView p, int namedPort) {
    int port = ctx.listener().port();
    return namedPort == port && ctx.listener().holderPids().contains(p.pid())
        ? java.util.Optional.empty()
        : java.util.Optional.of(
            "its command line names port " + namedPort + ", the listener is " + port);
  }

  /**
   * Why a health answer that reports {@code reportedPid} and {@code reportedPort} is not the
   * listener being classified (its holders do not include the pid, or the port differs); empty when
   * it names it. Every family that proves a daemon by its own health answer asks it.
   */
  public static java.util.Optional<String> healthNotTheListener(
      ProbeContext ctx, ProcessView p, long reportedPid, long reportedPort) {
    int port = ctx.listener().port();
    return ctx.listener().holderPids().contains(reportedPid) && reportedPort == port
        ? java.util.Optional.empty()
        : java.util.Optional.of(
            "health payload reports pid "
                + reportedPid
                + " port "
                + reportedPort
                + " but the listener is pid "
                + p.pid()
                + " port "
                + port);
  }

  /**
   * The text of a small file read as evidence or as a record: only a regular file (not a FIFO, a
   * device or a folder), never through a symlink at its last component, and at most {@code
   * maxBytes} bytes. A cloned repository or another user can put a FIFO (which would block a read
   * for ever) or a link to {@code /dev/zero} (which would never end) where a record is expected.
   *
   * @throws java.nio.file.NoSuchFileException when there is no file
   * @throws IOException naming the file and what is wrong with it otherwise
   */
  public static String readSmallFile(Path file, int maxBytes) throws IOException {
    java.nio.file.attribute.BasicFileAttributes a =
        Files.readAttributes(
            file,
            java.nio.file.attribute.BasicFileAttributes.class,
            java.nio.file.LinkOption.NOFOLLOW_LINKS);
    if (!a.isRegularFile()) {
      throw new IOException(
          file
              + " is "
              + (a.isSymbolicLink()
                  ? "a symbolic link"
                  : a.isDirectory() ? "a folder" : "not a regular file (a FIFO or a device)")
              + ", not a regular file: refused");
    }
    byte[] bytes;
    try (InputStream in =
        Files.newInputStream(
            file, java.nio.file.StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes(maxBytes + 1);
    }
    if (bytes.length > maxBytes) {
      throw new IOException(file + " is larger than " + maxBytes + " bytes: refused");
    }
    return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * A fresh random value from the OS's generator: a nonce, a challenge. Read straight from {@code
   * /dev/urandom} where there is one: a scan probes every sync listener, and seeding a {@link
   * SecureRandom} costs a cold CLI more than the whole probe.
   */
  public static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    try (InputStream in = Files.newInputStream(URANDOM)) {
      if (in.readNBytes(b, 0, bytes) == bytes) {
        return HexFormat.of().formatHex(b);
      }
    } catch (IOException | UnsupportedOperationException noUrandom) {
      // Not a Unix: the JDK's generator below.
    }
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static final Path URANDOM = Path.of("/dev/urandom");

  /**
   * The proof a daemon knowing {@code nonce} gives for {@code challenge}: HMAC-SHA256 (RFC 2104),
   * hex. Built on {@link MessageDigest} rather than {@code javax.crypto.Mac}, whose provider
   * start-up costs a cold CLI tens of milliseconds; the test pins it to the JDK's own HMAC.
   */
  public static String proof(String nonce, String challenge) {
    return HexFormat.of()
        .formatHex(
            hmacSha256(
                nonce.getBytes(StandardCharsets.UTF_8),
                challenge.getBytes(StandardCharsets.UTF_8)));
  }

  public static byte[] hmacSha256(byte[] key, byte[] message) {
    int block = 64;
    byte[] k = key.length > block ? sha256(key) : key;
    byte[] ipad = new byte[block];
    byte[] opad = new byte[block];
    for (int i = 0; i < block; i++) {
      byte kb = i < k.length ? k[i] : 0;
      ipad[i] = (byte) (kb ^ 0x36);
      opad[i] = (byte) (kb ^ 0x5c);
    }
    MessageDigest md = sha256();
    md.update(ipad);
    byte[] inner = md.digest(message);
    md.update(opad);
    return md.digest(inner);
  }

  /** Compares proofs in constant time. */
  public static boolean proofMatches(String expected, String given) {
    return given != null
        && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Looked up once and cloned for each use: a provider lookup per digest cost a scan of 100
   * dashboards ~20 ms of CPU (two digests per proof, a proof per probe), and an unused digest is
   * never changed, so cloning it from many probe threads at once is safe.
   */
  private static final MessageDigest SHA_256 = lookUpSha256();

  private static MessageDigest lookUpSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return (MessageDigest) SHA_256.clone();
    } catch (CloneNotSupportedException e) {
      return lookUpSha256();
    }
  }

  private static byte[] sha256(byte[] b) {
    return sha256().digest(b);
  }
}
