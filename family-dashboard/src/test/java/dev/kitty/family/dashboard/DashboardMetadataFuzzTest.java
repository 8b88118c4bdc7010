package dev.kitty.family.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import org.junit.jupiter.api.Test;

/** {@code .kittify/.dashboard} files as a hostile or careless hand could leave them (issue 10). */
class DashboardMetadataFuzzTest {

  @Test
  void anyTextIsReadOrRefusedWithTheDocumentedErrorNothingElse() {
    qt().withExamples(3000)
        .forAll(
            strings()
                .allPossible()
                .ofLengthBetween(0, 200)
                .mix(strings().betweenCodePoints(0x0a, 0x3a).ofLengthBetween(0, 60)))
        .checkAssert(
            text -> {
              try {
                DashboardMetadata.parse(text);
              } catch (IllegalArgumentException documented) {
                // says which line is wrong; anything else escaping fails the test
              }
            });
  }

  @Test
  void whatKittyWritesItReadsBack() {
    qt().withExamples(1000)
        .forAll(
            integers().between(1, 65535),
            strings().betweenCodePoints(0x21, 0x7e).ofLengthBetween(1, 40),
            longs().between(1, Long.MAX_VALUE),
            longs().between(1, Long.MAX_VALUE))
        .checkAssert(
            (port, token, pid, start) -> {
              DashboardMetadata m =
                  new DashboardMetadata("http://127.0.0.1:" + port, port, token, pid, start);
              assertEquals(m, DashboardMetadata.parse(m.format()));
            });
  }

  @Test
  void windowsAndOldMacLineEndingsAndBlankLinesReadAsLines() {
    DashboardMetadata expected =
        new DashboardMetadata("http://127.0.0.1:9240", 9240, "tok", 4242L, 77L);
    assertEquals(
        expected,
        DashboardMetadata.parse("http://127.0.0.1:9240\r\n9240\r\ntok\r\n4242\r\n77\r\n"));
    assertEquals(expected, DashboardMetadata.parse("http://127.0.0.1:9240\r9240\rtok\r4242\r77"));
    assertEquals(
        expected,
        DashboardMetadata.parse("\n  http://127.0.0.1:9240 \n\n9240\n tok\n4242\n\n77\n\n"));
  }
}
