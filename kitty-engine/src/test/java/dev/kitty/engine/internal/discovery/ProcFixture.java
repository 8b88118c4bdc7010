package dev.kitty.engine.internal.discovery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a fake {@code /proc} tree into a folder, so the Linux backend can be tested offline. */
final class ProcFixture {

  final Path root;

  ProcFixture(Path root) {
    this.root = root;
    write("stat", "cpu  1 2 3\nbtime 1700000000\n");
    write("self/status", "Name:\tjava\nUid:\t1000\t1000\t1000\t1000\n");
  }

  ProcFixture process(long pid, long ppid, String comm, long startTicks, int uid, String... args) {
    write(
        pid + "/stat",
        pid
            + " ("
            + comm
            + ") S "
            + ppid
            + " "
            + pid
            + " "
            + pid
            + " 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 "
            + startTicks
            + " 1000 50 0 0");
    write(
        pid + "/status",
        "Name:\t" + comm + "\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\n");
    write(pid + "/cmdline", String.join("\0", args) + "\0");
    return this;
  }

  ProcFixture environ(long pid, String... kv) {
    write(pid + "/environ", String.join("\0", kv) + "\0");
    return this;
  }

  ProcFixture socketFd(long pid, int fd, long inode) {
    link(pid + "/fd/" + fd, "socket:[" + inode + "]");
    return this;
  }

  ProcFixture fileFd(long pid, int fd, String target) {
    link(pid + "/fd/" + fd, target);
    return this;
  }

  ProcFixture tcp(String content) {
    write("net/tcp", content);
    return this;
  }

  ProcFixture tcp6(String content) {
    write("net/tcp6", content);
    return this;
  }

  static String tcpRow(int slot, String hexAddr, int port, int state, long inode) {
    return String.format(
        "%4d: %s:%04X 00000000:0000 %02X 00000000:00000000 00:00000000 00000000  1000        0 %d 1 0000000000000000 100 0 0 10 0%n",
        slot, hexAddr, port, state, inode);
  }

  static final String TCP_HEADER =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

  private void write(String rel, String content) {
    try {
      Path p = root.resolve(rel);
      Files.createDirectories(p.getParent());
      Files.writeString(p, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void link(String rel, String target) {
    try {
      Path p = root.resolve(rel);
      Files.createDirectories(p.getParent());
      Files.createSymbolicLink(p, Path.of(target));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
