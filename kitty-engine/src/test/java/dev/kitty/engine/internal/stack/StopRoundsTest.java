package dev.kitty.engine.internal.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kitty.engine.internal.state.StackRecord;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rounds {@code down} stops a stack's services in: dependents before what they depend on. */
class StopRoundsTest {

  private static StackRecord.Service s(String name, List<String> deps) {
    return new StackRecord.Service(name, "x." + name, 0, Duration.ofSeconds(1), 0, 0, deps);
  }

  private static List<List<String>> names(List<List<StackRecord.Service>> rounds) {
    return rounds.stream().map(r -> r.stream().map(StackRecord.Service::name).toList()).toList();
  }

  @Test
  void servicesNothingDependsOnStopTogetherBeforeWhatTheyDependOn() {
    List<StackRecord.Service> stack =
        List.of(
            s("db", List.of()),
            s("api", List.of("db")),
            s("web", List.of("api")),
            s("jobs", List.of("db")),
            s("mail", List.of()));
    assertEquals(
        List.of(List.of("web", "jobs", "mail"), List.of("api"), List.of("db")),
        names(Stacks.stopRounds(stack)));
  }

  @Test
  void aRecordThatDoesNotSayWhatDependsOnWhatStopsOneAfterAnotherInReverse() {
    List<StackRecord.Service> stack = List.of(s("a", List.of()), s("b", null), s("c", List.of()));
    assertEquals(
        List.of(List.of("c"), List.of("b"), List.of("a")), names(Stacks.stopRounds(stack)));
  }
}
