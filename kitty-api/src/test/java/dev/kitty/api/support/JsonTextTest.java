package dev.kitty.api.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The JSON reader and writer: round trips, RFC 8259 edge cases, and refusals that say where. */
class JsonTextTest {

  /** A random JSON value of the reader's value types, nested at most {@code depth} deep. */
  private static Object value(Random r, int depth) {
    int kind = r.nextInt(depth <= 0 ? 5 : 7);
    return switch (kind) {
      case 0 -> null;
      case 1 -> r.nextBoolean();
      case 2 ->
          r.nextBoolean()
              ? (Object) r.nextLong()
              : (Object)
                  BigInteger.valueOf(Long.MAX_VALUE)
                      .multiply(BigInteger.valueOf(2 + r.nextInt(1000)));
      case 3 -> (double) r.nextInt(1_000_000) / 64.0;
      case 4 -> string(r);
      case 5 -> {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = r.nextInt(5); i > 0; i--) {
          m.put(string(r), value(r, depth - 1));
        }
        yield m;
      }
      default -> {
        List<Object> l = new ArrayList<>();
        for (int i = r.nextInt(5); i > 0; i--) {
          l.add(value(r, depth - 1));
        }
        yield l;
      }
    };
  }

  private static String string(Random r) {
    StringBuilder b = new StringBuilder();
    for (int i = r.nextInt(12); i > 0; i--) {
      b.append(
          (char)
              (r.nextInt(4) == 0
                  ? r.nextInt(0x20)
                  : r.nextInt(4) == 0 ? 0x80 + r.nextInt(0x3000) : 0x20 + r.nextInt(0x5f)));
    }
    return b.toString();
  }

  @Test
  void everyValueReadsBackAsItWasWritten() {
    qt().withExamples(1000)
        .forAll(integers().all())
        .checkAssert(
            seed -> {
              Object v = value(new Random(seed), 4);
              assertEquals(v, JsonText.parse(JsonText.write(v)), () -> JsonText.write(v));
            });
  }

  @Test
  void readsWhatOtherWritersProduce() {
    Map<String, Object> m =
        JsonText.parseObject(
            " {\"a\" : [1, -2, 3.5e1, 0.25, true, false, null, \"\\u00e9\\/\\n\"],\n\t\"b\":{}, \"c\":[] , \"big\": 123456789012345678901234567890} ");
    assertEquals(
        java.util.Arrays.asList(1L, -2L, 35.0, 0.25, true, false, null, "é/\n"), m.get("a"));
    assertEquals(Map.of(), m.get("b"));
    assertEquals(List.of(), m.get("c"));
    assertEquals(new BigInteger("123456789012345678901234567890"), m.get("big"));
  }

  @Test
  void refusesBrokenTextSayingWhatAndWhere() {
    Map<String, String> broken = new LinkedHashMap<>();
    broken.put("{\"a\":1", "unexpected end at character 6");
    broken.put("{\"a\":1} x", "text after the value at character 8");
    broken.put("{a:1}", "expected a string key at character 1");
    broken.put("{\"a\":tru}", "expected a value at character 5");
    broken.put("{\"a\":01}", "leading zero at character 7");
    broken.put("{\"a\":\"x\ny\"}", "control character in a string at character 7");
    broken.put("", "unexpected end at character 0");
    broken.put("[1,]", "expected a value at character 3");
    broken.forEach(
        (text, message) ->
            assertEquals(
                message,
                assertThrows(IllegalArgumentException.class, () -> JsonText.parse(text))
                    .getMessage(),
                text));
    assertEquals(
        "not a JSON object",
        assertThrows(IllegalArgumentException.class, () -> JsonText.parseObject("[1]"))
            .getMessage());
    String deep = "[".repeat(JsonText.MAX_DEPTH + 2) + "]".repeat(JsonText.MAX_DEPTH + 2);
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> JsonText.parse(deep))
            .getMessage()
            .startsWith("nested deeper than"));
  }
}
