package dev.kitty.family.webui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kitty.api.CleanupClass;
import dev.kitty.api.Identity;
import dev.kitty.testkit.FakeProbeContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebuiFamilyTest {

  private final WebuiFamily family = new WebuiFamily();

  @Test
  void aShellWrappedServerNamesItsWrappersForTheOperator() {
    FakeProbeContext ctx =
        new FakeProbeContext(WebuiFamily.RANGE, 7860, 30L)
            .with(
                FakeProbeContext.process(
                    10, 1, List.of("cmd.exe", "/c", "webui-user.bat"), Map.of()))
            .with(
                FakeProbeContext.process(
                    20, 10, List.of("/bin/sh", "-c", "python launch.py"), Map.of()))
            .with(FakeProbeContext.process(30, 20, List.of("python", "launch.py"), Map.of()));
    Identity id = family.identify(ctx);
    assertEquals(CleanupClass.OPERATOR_REQUIRED, id.cleanupClass());
    assertEquals(List.of(20L, 10L), id.attributes().get("wrapper_pids"));
  }

  @Test
  void anInteractiveShellIsNotAWrapperAndAnotherFamilysLaunchIsNotOurs() {
    FakeProbeContext typed =
        new FakeProbeContext(WebuiFamily.RANGE, 7861, 31L)
            .with(FakeProbeContext.process(21, 1, List.of("-bash"), Map.of()))
            .with(FakeProbeContext.process(31, 21, List.of("python", "app.py"), Map.of()));
    assertEquals(CleanupClass.NEVER_TOUCH, family.identify(typed).cleanupClass());
    FakeProbeContext devstacks =
        new FakeProbeContext(WebuiFamily.RANGE, 7862, 32L)
            .with(
                FakeProbeContext.process(
                    32,
                    1,
                    List.of("node", "srv.js"),
                    Map.of("KITTY_LAUNCH_ID", "L9", "KITTY_FAMILY", "devstack")));
    assertEquals("launched by kitty for family devstack", family.identify(devstacks).skipReason());
  }
}
