package dev.kitty.engine.internal.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class AuditLogTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void everyAuditLineIsJsonThatReadsBackAsWritten() {
    qt().withExamples(1000)
        .forAll(strings().allPossible().ofLengthBetween(0, 40), longs().all())
        .checkAssert(
            (text, number) -> {
              Map<String, Object> line = new LinkedHashMap<>();
              line.put("reason", text);
              line.put("pid", number);
              line.put("outcome", null);
              var parsed = JSON.readTree(AuditLog.json(line));
              assertEquals(text, parsed.get("reason").asString());
              assertEquals((long) number, parsed.get("pid").asLong());
              assertEquals(true, parsed.get("outcome").isNull());
              assertEquals(3, parsed.size());
            });
  }
}
