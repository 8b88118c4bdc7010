package dev.kitty.family.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kitty.api.CleanupClass;
import dev.kitty.api.Identity;
import dev.kitty.testkit.FakeProbeContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DevstackFamilyTest {

  private final DevstackFamily family = new DevstackFamily();

  @Test
  void aNodeServerWithoutTheStackCookieIsNeverKilledByItsName() {
    FakeProbeContext ctx =
        new FakeProbeContext(DevstackFamily.RANGE, 3000, 40L)
            .with(FakeProbeContext.process(40, 1, List.of("node", "vitest", "--watch"), Map.of()));
    Identity id = family.identify(ctx);
    assertEquals(CleanupClass.NEVER_TOUCH, id.cleanupClass());
    assertEquals(
        "no kitty stack cookie: not started by kitty (never killed by name)", id.skipReason());
  }

  @Test
  void aServiceWithTheStackCookieButNoRecordIsForTheOperator() {
    FakeProbeContext ctx =
        new FakeProbeContext(DevstackFamily.RANGE, 3001, 41L)
            .with(
                FakeProbeContext.process(
                    41,
                    1,
                    List.of("node", "api.js"),
                    Map.of(
                        "KITTY_LAUNCH_ID",
                        "L1",
                        "KITTY_SERVICE",
                        "api",
                        "KITTY_FAMILY",
                        "devstack")));
    Identity id = family.identify(ctx);
    assertEquals(CleanupClass.OPERATOR_REQUIRED, id.cleanupClass());
    assertEquals("api", id.attributes().get("service"));
    assertEquals("L1", id.attributes().get("launch_id"));
  }
}
