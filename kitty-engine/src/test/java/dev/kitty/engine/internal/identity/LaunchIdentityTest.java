package dev.kitty.engine.internal.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.api.CleanupClass;
import dev.kitty.api.Identity;
import dev.kitty.api.LaunchView;
import dev.kitty.api.PortRange;
import dev.kitty.api.ProcessView;
import dev.kitty.testkit.FakeProbeContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ProbeContext.launchIdentity} is a pure function of the process, family and attributes. */
class LaunchIdentityTest {

  private static final PortRange RANGE = new PortRange(7860, 7960);

  private static ProcessView launched(String cookie) {
    return FakeProbeContext.process(
        40,
        1,
        List.of("python3", "-m", "http.server"),
        Map.of(ProcessView.LAUNCH_COOKIE, cookie, "KITTY_SERVICE", "cookie-name"));
  }

  @Test
  void theCallersAttributesStayAsTheyWereAndTheVerdictCarriesTheLaunchsInOrder() {
    FakeProbeContext ctx =
        new FakeProbeContext(RANGE, 7860, 40L)
            .launch(new LaunchView("webui", "ui", "L1", true, 0, 40, 7860));
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put(Identity.WRAPPER_PIDS, List.of(39L));
    Map<String, Object> before = Map.copyOf(attrs);

    Identity id = ctx.launchIdentity(launched("L1"), "webui", attrs).orElseThrow();

    assertEquals(before, attrs, "the caller's map is not changed");
    assertTrue(id.recorded());
    assertEquals(
        List.of(Identity.WRAPPER_PIDS, Identity.LAUNCH_ID, Identity.SERVICE, Identity.RECORDED_PID),
        List.copyOf(id.attributes().keySet()));
    assertEquals("L1", id.attributes().get(Identity.LAUNCH_ID));
    assertEquals("ui", id.attributes().get(Identity.SERVICE), "the record's name wins");
    assertEquals(40L, id.attributes().get(Identity.RECORDED_PID));
  }

  @Test
  void aCookieNoRecordNamesKeepsTheCookiesServiceAndWithoutACookieTheFamilyDecides() {
    FakeProbeContext ctx = new FakeProbeContext(RANGE, 7860, 40L);
    Map<String, Object> attrs = new LinkedHashMap<>();
    Identity id = ctx.launchIdentity(launched("L9"), "webui", attrs).orElseThrow();
    assertEquals(CleanupClass.OPERATOR_REQUIRED, id.cleanupClass());
    assertEquals("cookie-name", id.attributes().get(Identity.SERVICE));
    assertEquals(Map.of(), attrs);

    ProcessView plain = FakeProbeContext.process(41, 1, List.of("node"), Map.of());
    assertTrue(ctx.launchIdentity(plain, "webui", attrs).isEmpty());
    assertEquals(Map.of(), attrs);
    Map<String, Object> cookies = ctx.launchAttributes(plain);
    assertEquals(List.of(Identity.LAUNCH_ID, Identity.SERVICE), List.copyOf(cookies.keySet()));
    assertNull(cookies.get(Identity.LAUNCH_ID));
  }
}
