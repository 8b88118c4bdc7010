package dev.kitty.engine.internal.discovery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code /proc} below an injectable root, so tests can point it at fixture folders. Every
 * read of a per-process file may fail because the process exited or belongs to another user; such
 * reads are empty, never exceptions.
 */
final class ProcFs {

  private final Path root;

  ProcFs(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  Path pidDir(long pid) {
    return root.resolve(Long.toString(pid));
  }

  /** The numeric entries of the root: the pids of visible processes. */
  List<Long> pids() {
    List<Long> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (!n.isEmpty() && n.length() < 19 && n.chars().allMatch(Character::isDigit)) {
          out.add(Long.parseLong(n));
        }
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  Optional<byte[]> bytes(Path file) {
    try {
      return Optional.of(Files.readAllBytes(file));
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
  }

  Optional<String> text(Path file) {
    return bytes(file).map(b -> new String(b, StandardCharsets.UTF_8));
  }

  Optional<String> link(Path file) {
    try {
      return Optional.of(Files.readSymbolicLink(file).toString());
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return Optional.empty();
    }
  }

  /**
   * The number of open files of the process whose /proc folder is {@code pidDir} (size of its fd
   * folder), or -1.
   */
  long fdCount(Path pidDir) {
    try {
      return Files.size(pidDir.resolve("fd"));
    } catch (IOException | SecurityException e) {
      return -1;
    }
  }

  /** The inode number of a /proc entry, or -1. */
  long inode(Path p) {
    try {
      return (Long) Files.getAttribute(p, "unix:ino");
    } catch (IOException
        | UnsupportedOperationException
        | IllegalArgumentException
        | SecurityException e) {
      return -1;
    }
  }

  /** The link targets of {@code /proc/PID/fd/*}; empty when the folder cannot be listed. */
  List<String> fdTargets(long pid) {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(pidDir(pid).resolve("fd"))) {
      for (Path fd : ds) {
        link(fd).ifPresent(out::add);
      }
    } catch (IOException | SecurityException e) {
      return out;
    }
    return out;
  }
}
