package dev.kitty.api.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure rules of the loopback web servers (ADR 27); the live ones are in WebSecurityIT. */
class LoopbackWebTest {

  @Test
  void onlyLoopbackNamesWithThisPortOrNoneAreAHost() {
    for (String ok :
        List.of(
            "127.0.0.1:9237",
            "localhost:9237",
            "LOCALHOST:9237",
            "[::1]:9237",
            "127.0.0.1",
            "localhost",
            "[::1]")) {
      assertTrue(LoopbackWeb.loopbackHost(ok, 9237), ok);
    }
    for (String bad :
        List.of(
            "attacker.example:9237",
            "127.0.0.1:9238",
            "localhost.attacker.example",
            "127.0.0.1.nip.io:9237",
            "[::ffff:127.0.0.1]:9237",
            "127.0.0.2:9237",
            "",
            "localhost:09237x")) {
      assertFalse(LoopbackWeb.loopbackHost(bad, 9237), bad);
    }
    assertFalse(LoopbackWeb.loopbackHost(null, 9237), "a missing Host is refused");
  }

  @Test
  void noRandomHostIsALoopbackHostUnlessItIsOneOfTheThreeNames() {
    qt().withExamples(2000)
        .forAll(strings().allPossible().ofLengthBetween(0, 30), integers().between(1, 65535))
        .checkAssert(
            (host, port) -> {
              String h = host.strip().toLowerCase(java.util.Locale.ROOT);
              boolean named =
                  List.of("127.0.0.1", "localhost", "[::1]").stream()
                      .anyMatch(n -> h.equals(n) || h.equals(n + ":" + port));
              assertEquals(named, LoopbackWeb.loopbackHost(host, port), host);
            });
  }

  @Test
  void anOriginOrRefererOfAnotherPortSchemeOrHostIsAnotherOrigin() {
    assertTrue(LoopbackWeb.sameOrigin(null, null, 9237), "a request without either is a tool's");
    assertTrue(LoopbackWeb.sameOrigin("http://127.0.0.1:9237", null, 9237));
    assertTrue(LoopbackWeb.sameOrigin("http://localhost:9237", "http://localhost:9237/", 9237));
    assertTrue(LoopbackWeb.sameOrigin(null, "http://[::1]:9237/x?y", 9237));
    assertFalse(LoopbackWeb.sameOrigin("http://127.0.0.1:18000", null, 9237), "another port");
    assertFalse(LoopbackWeb.sameOrigin("null", null, 9237), "an opaque origin");
    assertFalse(LoopbackWeb.sameOrigin("https://127.0.0.1:9237", null, 9237), "another scheme");
    assertFalse(LoopbackWeb.sameOrigin("http://attacker.example:9237", null, 9237));
    assertFalse(LoopbackWeb.sameOrigin("http://127.0.0.1", null, 9237), "no port is port 80");
    assertFalse(
        LoopbackWeb.sameOrigin("http://127.0.0.1:9237", "http://evil.example/", 9237),
        "the referer of another site");
  }

  @Test
  void cookiesAndQueriesAreReadByExactName() {
    assertEquals(
        Optional.of("abc"),
        LoopbackWeb.cookie("a=1; kitty_token_9237=abc; b=2", "kitty_token_9237"));
    assertEquals(Optional.empty(), LoopbackWeb.cookie("xkitty_token_9237=abc", "kitty_token_9237"));
    assertEquals(Optional.empty(), LoopbackWeb.cookie(null, "kitty_token_9237"));
    assertEquals(Optional.of("a b"), LoopbackWeb.query("x=1&token=a+b", "token"));
    assertEquals(Optional.empty(), LoopbackWeb.query("xtoken=1", "token"));
    assertEquals(Optional.empty(), LoopbackWeb.query("token=%zz", "token"), "a bad escape");
  }

  @Test
  void theCookieIsPortBoundByNameHoldsASessionNotTheTokenAndIsKeptFromScriptsAndOtherSites() {
    LoopbackWeb web = new LoopbackWeb(9237, "t0k3n");
    String cookie = web.tokenCookie();
    assertTrue(cookie.startsWith("kitty_token_9237="), cookie);
    assertTrue(cookie.endsWith("; Path=/; HttpOnly; SameSite=Strict"), cookie);
    assertFalse(cookie.contains("t0k3n"), "the cookie is not the token: " + cookie);
    assertFalse(
        new LoopbackWeb(9237, "t0k3n").tokenCookie().equals(cookie), "a session per server run");
    assertTrue(web.tokenMatches("t0k3n"));
    assertFalse(web.tokenMatches("t0k3n "));
    assertFalse(web.tokenMatches(null));
    assertFalse(new LoopbackWeb(9237, null).tokenMatches("anything"), "no token, no access");
    assertEquals(List.of("x", "y"), LoopbackWeb.cookies("a=1; k=x; k=y", "k"), "every value");
  }
}
