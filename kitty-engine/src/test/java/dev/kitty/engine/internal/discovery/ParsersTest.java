package dev.kitty.engine.internal.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class ParsersTest {

  static String recorded(String name) {
    try (InputStream in = ParsersTest.class.getResourceAsStream("/recorded/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new AssertionError("missing fixture " + name, e);
    }
  }

  /** Arbitrary text biased towards the characters these formats are made of. */
  static Gen<String> hostile() {
    Gen<String> any = strings().allPossible().ofLengthBetween(0, 300);
    Gen<String> shaped = strings().betweenCodePoints(0x20, 0x7e).ofLengthBetween(0, 300);
    Gen<String> lines =
        strings()
            .betweenCodePoints(0x30, 0x46)
            .ofLengthBetween(0, 40)
            .map(s -> s.replace('?', '\n').replace(';', ':').replace('@', ' '));
    return any.mix(shaped).mix(lines);
  }

  @Test
  void procNetTcpFindsTheRecordedListenersAndSkipsOtherStates() {
    List<SocketEntry> v4 = ProcNetTcpParser.parse(recorded("proc-net-tcp.txt"), false);
    List<SocketEntry> listening = v4.stream().filter(SocketEntry::listening).toList();
    assertEquals(2, listening.size(), listening.toString());
    assertEquals(new SocketEntry("0.0.0.0", 2024, false, 0x0A, 0, 1666), listening.get(0));
    assertEquals(new SocketEntry("127.0.0.1", 9241, false, 0x0A, 0, 10241), listening.get(1));
    assertTrue(
        v4.stream().anyMatch(e -> e.port() == 9240 && !e.listening()),
        "TIME_WAIT rows parse but are not listeners");

    List<SocketEntry> v6 = ProcNetTcpParser.parse(recorded("proc-net-tcp6.txt"), true);
    assertEquals(List.of(new SocketEntry("::1", 9242, true, 0x0A, 0, 8852)), v6);
  }

  @Test
  void ipv6TextIsCompressedAsRfc5952Says() {
    assertEquals("::", ProcNetTcpParser.ipv6("00000000000000000000000000000000"));
    assertEquals("::ffff:127.0.0.1", ProcNetTcpParser.ipv6("0000000000000000FFFF00000100007F"));
    assertEquals("fe80::1", ProcNetTcpParser.ipv6("000080FE000000000000000001000000"));
  }

  /**
   * A recorded real sample, mutated as a torn read or a hostile /proc would: a span cut out, random
   * bytes put in, the text cut short, a line repeated. Real structure with damage in it reaches
   * deeper into a parser than random text does.
   */
  static Gen<String> mutated(String sample) {
    Gen<Integer> at = integers().between(0, sample.length());
    Gen<String> junk = strings().allPossible().ofLengthBetween(0, 20);
    Gen<Integer> kind = integers().between(0, 3);
    return kind.zip(
        at,
        at,
        junk,
        (k, a, b, j) -> {
          int from = Math.min(a, b);
          int to = Math.max(a, b);
          return switch (k) {
            case 0 -> sample.substring(0, from) + sample.substring(to);
            case 1 -> sample.substring(0, from) + j + sample.substring(from);
            case 2 -> sample.substring(0, from);
            default -> {
              String line = sample.substring(from, to);
              yield sample.substring(0, to) + line + line + sample.substring(to);
            }
          };
        });
  }

  @Test
  void mutatedRecordedSamplesNeverThrow() {
    String tcp = recorded("proc-net-tcp.txt");
    String tcp6 = recorded("proc-net-tcp6.txt");
    String lsof = recorded("lsof-F-listen.txt");
    String netstat = recorded("netstat-ano-windows.txt");
    qt().withExamples(2000).forAll(mutated(tcp)).checkAssert(t -> ProcNetTcpParser.parse(t, false));
    qt().withExamples(2000).forAll(mutated(tcp6)).checkAssert(t -> ProcNetTcpParser.parse(t, true));
    qt().withExamples(2000).forAll(mutated(lsof)).checkAssert(LsofParser::parse);
    qt().withExamples(2000).forAll(mutated(netstat)).checkAssert(NetstatParser::parse);
    String stat = "4242 (python3) S 1 4242 4242 0 -1 4194560 1204 0 0 0 12 3 0 0 20 0 1 0 813245";
    qt().withExamples(2000).forAll(mutated(stat)).checkAssert(ProcStatParser::parse);
  }

  @Test
  void procNetTcpSurvivesArbitraryInput() {
    qt().withExamples(1000)
        .forAll(hostile())
        .checkAssert(
            s -> {
              ProcNetTcpParser.parse(s, false);
              ProcNetTcpParser.parse(s, true);
            });
  }

  @Test
  void procStatReadsTheRecordedLine() {
    ProcStat s = ProcStatParser.parse(recorded("proc-pid-stat.txt")).orElseThrow();
    assertEquals(new ProcStat(6008, "python3", "S", 1, 6004, 1063, 328876, 5302, 8), s);
  }

  @Test
  void procStatKeepsSpacesAndParenthesesInTheCommandName() {
    Gen<String> comm = strings().betweenCodePoints(0x20, 0x7e).ofLengthBetween(0, 15);
    qt().withExamples(1000)
        .forAll(comm, integers().between(1, 4_000_000), integers().between(0, 4_000_000))
        .checkAssert(
            (name, pid, ppid) -> {
              String line =
                  pid
                      + " ("
                      + name
                      + ") R "
                      + ppid
                      + " 7 8 0 -1 0 0 0 0 0 1 2 3 4 20 0 1 0 12345 100 42 0 0";
              ProcStat s = ProcStatParser.parse(line).orElseThrow(() -> new AssertionError(line));
              assertEquals(name, s.comm());
              assertEquals((long) ppid, s.ppid());
              assertEquals(12345, s.startTicks());
              assertEquals(42, s.rssPages());
            });
  }

  @Test
  void procStatSurvivesArbitraryInput() {
    qt().withExamples(1000).forAll(hostile()).checkAssert(ProcStatParser::parse);
    assertFalse(
        ProcStatParser.parse("12 (x) S 1").isPresent(), "a truncated line is not a stat line");
  }

  @Test
  void lsofFieldOutputIsReadAsRecorded() {
    List<ListenEntry> entries = LsofParser.parse(recorded("lsof-F-listen.txt"));
    assertTrue(
        entries.contains(new ListenEntry("127.0.0.1", 9241, false, 6008)), entries.toString());
    assertTrue(entries.contains(new ListenEntry("::1", 9242, true, 6010)), entries.toString());
  }

  @Test
  void lsofWildcardsConnectedSocketsAndFileBlocksAreHandled() {
    String out =
        "p10\ncnode\nf3\nn*:3000\nTST=LISTEN\nf4\nn127.0.0.1:3000->127.0.0.1:5555\nTST=ESTABLISHED\nf5\nn[*]:3001\nTST=LISTEN\n";
    assertEquals(
        List.of(new ListenEntry("0.0.0.0", 3000, false, 10), new ListenEntry("::", 3001, true, 10)),
        LsofParser.parse(out));
  }

  @Test
  void lsofSurvivesArbitraryInput() {
    qt().withExamples(1000).forAll(hostile()).checkAssert(LsofParser::parse);
  }

  @Test
  void netstatKeepsTcpListenersWithEveryHolder() {
    List<ListenEntry> entries = NetstatParser.parse(recorded("netstat-ano-windows.txt"));
    assertTrue(entries.contains(new ListenEntry("127.0.0.1", 3001, false, 17532)));
    assertTrue(entries.contains(new ListenEntry("127.0.0.1", 3001, false, 35368)));
    assertTrue(entries.contains(new ListenEntry("::1", 9237, true, 6353)));
    assertTrue(entries.contains(new ListenEntry("fe80::1c2b:3a4d:5e6f:7a8b", 2869, true, 4)));
    assertFalse(
        entries.stream().anyMatch(e -> e.pid() == 12004), "ESTABLISHED rows are not listeners");
    assertFalse(entries.stream().anyMatch(e -> e.pid() == 2112), "UDP rows are not listeners");
    var grouped = ToolListenerScanner.group(entries, p -> p == 3001);
    assertEquals(1, grouped.size());
    assertEquals(List.of(17532L, 35368L), grouped.getFirst().holderPids());
  }

  @Test
  void netstatSurvivesArbitraryInput() {
    qt().withExamples(1000).forAll(hostile()).checkAssert(NetstatParser::parse);
  }
}
