package dev.kitty.engine.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.kitty.api.Family;
import dev.kitty.api.Identity;
import dev.kitty.api.PortRange;
import dev.kitty.api.ProbeContext;
import dev.kitty.engine.model.FamilyInfo;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class FamilyValidatorTest {

  record StubFamily(String id, PortRange defaultRange) implements Family {
    @Override
    public String description() {
      return "stub";
    }

    @Override
    public Identity identify(ProbeContext context) {
      return Identity.neverTouch("stub");
    }
  }

  static FamilyInfo info(String id, int from, int to, String source) {
    return new FamilyInfo(
        new StubFamily(id, new PortRange(from, to)), new PortRange(from, to), "m", source, "1");
  }

  @Test
  void theMessagesAreExact() {
    FamilyValidator v = new FamilyValidator(Set.of("sync"));
    v.accept(info("sync", 9400, 9450, "builtin"));
    assertEquals(
        Optional.of("port range [9400, 9410) overlaps family sync [9400, 9450)"),
        v.problem("foo", new PortRange(9400, 9410), false));
    assertEquals(
        Optional.of("id \"sync\" is reserved for the built-in family sync"),
        v.problem("sync", new PortRange(1, 2), false));
    assertEquals(
        Optional.of("id \"Foo\" is invalid: it must match [a-z][a-z0-9-]*"),
        v.problem("Foo", new PortRange(1, 2), false));
    assertEquals(
        Optional.of("id \"sync\" is already used by family sync (builtin)"),
        v.problem("sync", new PortRange(1, 2), true));
    assertEquals(
        Optional.empty(),
        v.problem("next-door", new PortRange(9450, 9460), false),
        "adjacent ranges do not overlap");
    assertEquals(
        Optional.of(
            "module x requires java.net.http, java.sql; a drop-in family may require only dev.kitty.api and java.base"),
        FamilyValidator.requiresProblem(
            "x", Set.of("java.sql", "dev.kitty.api", "java.base", "java.net.http")));
  }

  @Test
  void rangesAreHalfOpenAndValidated() {
    PortRange r = new PortRange(9237, 9337);
    assertTrue(r.contains(9237));
    assertTrue(r.contains(9336));
    assertFalse(r.contains(9337));
    assertFalse(r.contains(9236));
    for (int[] bad : new int[][] {{0, 10}, {10, 10}, {11, 10}, {1, 65537}}) {
      try {
        new PortRange(bad[0], bad[1]);
        throw new AssertionError("accepted " + bad[0] + ", " + bad[1]);
      } catch (IllegalArgumentException expected) {
        assertTrue(expected.getMessage().contains("need 1 <= from < to <= 65536"));
      }
    }
    new PortRange(65535, 65536);
  }

  @Test
  void noTwoAdmittedFamiliesEverIntersectWhateverTheLoadOrder() {
    Gen<int[]> range =
        integers()
            .between(1, 2000)
            .zip(
                integers().between(1, 300),
                (from, len) -> new int[] {from, Math.min(from + len, 65536)});
    qt().withExamples(1000)
        .forAll(lists().of(range).ofSizeBetween(0, 25))
        .checkAssert(
            ranges -> {
              FamilyValidator v = new FamilyValidator(Set.of());
              int i = 0;
              for (int[] r : ranges) {
                String id = "f" + i++;
                PortRange pr = new PortRange(r[0], r[1]);
                Optional<String> problem = v.problem(id, pr, false);
                boolean overlapsAdmitted =
                    v.accepted().stream().anyMatch(f -> f.range().overlaps(pr));
                assertEquals(
                    overlapsAdmitted,
                    problem.isPresent(),
                    "refused exactly when it overlaps: " + problem);
                if (problem.isEmpty()) {
                  v.accept(info(id, r[0], r[1], "plugin:/x/" + id + ".jar"));
                }
              }
              List<FamilyInfo> a = v.accepted();
              for (int x = 0; x < a.size(); x++) {
                for (int y = x + 1; y < a.size(); y++) {
                  assertFalse(
                      a.get(x).range().overlaps(a.get(y).range()), a.get(x) + " vs " + a.get(y));
                }
              }
            });
  }
}
