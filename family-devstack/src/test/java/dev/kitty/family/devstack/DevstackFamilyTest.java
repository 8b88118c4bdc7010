package dev.kitty.family.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.api.CleanupClass;
import dev.kitty.api.Identity;
import dev.kitty.api.LaunchView;
import dev.kitty.testkit.FakeProbeContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The devstack family's decision table (seed 003 item 5), on recorded process shapes. */
class DevstackFamilyTest {

  private final DevstackFamily family = new DevstackFamily();

  private static final Map<String, String> COOKIES =
      Map.of(
          "KITTY_LAUNCH_ID", "L1",
          "KITTY_SERVICE", "api",
          "KITTY_STACK", "abc",
          "KITTY_FAMILY", "devstack");

  private static FakeProbeContext service(long pid, Map<String, String> cookies) {
    return new FakeProbeContext(DevstackFamily.RANGE, 3001, pid)
        .with(FakeProbeContext.process(pid, 1, List.of("node", "api.js"), cookies));
  }

  @Test
  void aNodeDevToolWithoutTheStackCookieIsListedForTheOperatorNeverKilledByItsName() {
    FakeProbeContext ctx =
        new FakeProbeContext(DevstackFamily.RANGE, 3000, 40L)
            .with(FakeProbeContext.process(40, 1, List.of("node", "vitest", "--watch"), Map.of()));
    Identity id = family.identify(ctx);
    assertEquals(CleanupClass.OPERATOR_REQUIRED, id.cleanupClass());
    assertTrue(id.skipReason().contains("without a kitty stack cookie"), id.skipReason());
  }

  @Test
  void anythingElseWithoutTheCookieIsNeverTouched() {
    FakeProbeContext ctx =
        new FakeProbeContext(DevstackFamily.RANGE, 3000, 40L)
            .with(
                FakeProbeContext.process(40, 1, List.of("python3", "-m", "http.server"), Map.of()));
    Identity id = family.identify(ctx);
    assertEquals(CleanupClass.NEVER_TOUCH, id.cleanupClass());
    assertEquals(
        "no kitty stack cookie: not started by kitty (never killed by name)", id.skipReason());
  }

  @Test
  void aServiceWithTheStackCookieButNoRecordIsForTheOperator() {
    Identity id = family.identify(service(41, COOKIES));
    assertEquals(CleanupClass.OPERATOR_REQUIRED, id.cleanupClass());
    assertEquals("api", id.attributes().get("service"));
    assertEquals("L1", id.attributes().get("launch_id"));
    assertEquals("abc", id.attributes().get("stack"));
  }

  @Test
  void theLiveServiceOnRecordIsRecordedLiveAndNamesItsMainPidForGhostDetection() {
    Identity id =
        family.identify(
            service(41, COOKIES)
                .launch(new LaunchView("devstack", "abc.api", "L1", true, 0, 40, 3001)));
    assertTrue(id.recorded(), "the live daemon on record is never cleaned automatically");
    assertEquals(40L, id.attributes().get("recorded_pid"));
    assertEquals("abc.api", id.attributes().get("service"));
  }

  @Test
  void aLeftoverOfAStackThatWasBroughtDownIsSafeToClean() {
    Identity id =
        family.identify(
            service(41, COOKIES)
                .launch(new LaunchView("devstack", "abc.api", "L1", false, 0, 40, 3001)));
    assertEquals(CleanupClass.SAFE_AUTO, id.cleanupClass());
  }

  @Test
  void aCopiedCookieIsNotProof() {
    // The process started before the launch it claims (stamp 410 < floor 1000).
    Identity id =
        family.identify(
            service(41, COOKIES)
                .launch(new LaunchView("devstack", "abc.api", "L1", false, 1000, 40, 3001)));
    assertEquals(CleanupClass.OPERATOR_REQUIRED, id.cleanupClass());
    assertTrue(id.skipReason().contains("copied"), id.skipReason());
  }

  @Test
  void anotherFamilysLaunchIsNeverTouched() {
    Map<String, String> webui = new java.util.HashMap<>(COOKIES);
    webui.put("KITTY_FAMILY", "webui");
    assertEquals(CleanupClass.NEVER_TOUCH, family.identify(service(41, webui)).cleanupClass());
  }
}
