package dev.kitty.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.api.StopStep.Reach;
import dev.kitty.api.StopStep.Signal;
import dev.kitty.api.StopStep.SignalKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SPI's records validate themselves with messages that name the fault. */
class RecordsTest {

  @Test
  void stopPlansOnlyEscalateAndBoundEveryWait() {
    var term = new Signal(SignalKind.TERM, Reach.TREE, Duration.ofSeconds(1));
    var kill = new Signal(SignalKind.KILL, Reach.TREE, Duration.ofSeconds(1));
    assertEquals(
        "stop plan step 2: TERM after KILL; signals may only escalate",
        assertThrows(IllegalArgumentException.class, () -> new StopPlan(List.of(kill, term)))
            .getMessage());
    // Killing the wrappers first is no escalation for the rest of the tree; anything else is.
    var killWrappers = new Signal(SignalKind.KILL, Reach.WRAPPERS, Duration.ofSeconds(1));
    assertEquals(3, new StopPlan(List.of(killWrappers, term, kill)).steps().size());
    assertEquals(6, StopPlan.wrappersFirst(Duration.ofSeconds(2)).steps().size());
    assertThrows(
        IllegalArgumentException.class, () -> new StopPlan(List.of(killWrappers, kill, term)));
    assertEquals(
        "stop plan has no Signal step",
        assertThrows(
                IllegalArgumentException.class,
                () -> new StopPlan(List.of(new StopStep.FreezeTree())))
            .getMessage());
    assertEquals(
        "Signal grace must be positive and at most 60 s: PT1M1S",
        assertThrows(
                IllegalArgumentException.class,
                () -> new Signal(SignalKind.TERM, Reach.PROCESS, Duration.ofSeconds(61)))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new StopStep.HttpShutdown(
                "api/shutdown", StopStep.TokenSource.NONE, Duration.ofSeconds(1)));
    assertEquals(5, StopPlan.DEFAULT.steps().size());
  }

  @Test
  void aVerdictIsConsistent() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new Identity(CleanupClass.SAFE_AUTO, IdentitySource.HEALTH, "why", false, Map.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Identity(CleanupClass.NEVER_TOUCH, IdentitySource.NONE, null, false, Map.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Identity(CleanupClass.SAFE_AUTO, IdentitySource.HEALTH, null, true, Map.of()));
    java.util.HashMap<String, Object> withNull = new java.util.HashMap<>();
    withNull.put("auth_scope", null);
    assertTrue(
        Identity.safeAuto(IdentitySource.MARKER, withNull).attributes().containsKey("auth_scope"),
        "null identity fields are kept");
    assertEquals("operator_required", CleanupClass.OPERATOR_REQUIRED.jsonName());
    assertEquals("metadata_file", IdentitySource.METADATA_FILE.jsonName());
  }

  private static ProcessView proc(String... args) {
    return new ProcessView(
        10,
        1,
        10,
        10,
        0,
        "u",
        1,
        Instant.EPOCH,
        args[0],
        List.of(args),
        null,
        null,
        1,
        "S",
        Map.of(),
        true);
  }

  @Test
  void onlyAShellRunningACommandStringIsAWrapper() {
    assertTrue(proc("sh", "-c", "while true; do x; done").shellWrapper());
    assertTrue(proc("cmd.exe", "/c", "webui-user.bat").shellWrapper());
    assertFalse(proc("bash").shellWrapper(), "an interactive shell");
    assertFalse(proc("python3", "-c", "print(1)").shellWrapper(), "-c alone does not make a shell");
  }

  @Test
  void policiesAndLaunchSpecsRefuseNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new RunawayPolicy(0, 3, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> new LaunchSpec(List.of("x"), false, "health", Duration.ofSeconds(1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ListenerView("127.0.0.1", 0, false, 1, List.of()));
    assertEquals(
        List.of(3L, 5L), new ListenerView("::1", 80, true, 1, List.of(5L, 3L, 5L)).holderPids());
  }
}
