package dev.kitty.shell.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.testkit.SpecKittyFixtures;
import java.io.StringWriter;
import java.io.Writer;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** {@code --redact} on recorded spec-kitty bytes and kitty's own documents (ADR 27). */
class RedactionTest {

  private static final String DASHBOARD_TOKEN = "d13ae408c287b05408c45fbc4a578ca7";
  private static final String SYNC_TOKEN = "d3c3d31c455517573816e87ffd1557d1";

  @Test
  void specKittysArgvAndHealthAnswersComeOutMasked() {
    String dashArgv = String.join(" ", SpecKittyFixtures.cmdline("dashboard-cmdline.bin"));
    String syncArgv = String.join(" ", SpecKittyFixtures.cmdline("sync-cmdline.bin"));
    for (String text :
        List.of(
            dashArgv,
            syncArgv,
            SpecKittyFixtures.text("dashboard-health.json"),
            SpecKittyFixtures.text("sync-health.json"),
            SpecKittyFixtures.text("dashboard-metadata"),
            SpecKittyFixtures.text("sync-daemon-record"))) {
      String out = redactAll(text);
      assertFalse(out.contains(DASHBOARD_TOKEN) || out.contains(SYNC_TOKEN), out);
    }
    String masked = Redaction.redact(dashArgv);
    assertTrue(
        masked.contains("run_dashboard_server(Path('/home/dev/work/shop'), 9237, '<redacted>')"),
        masked);
    assertTrue(
        Redaction.redact(syncArgv).contains("--spec-kitty-daemon-root=/home/dev/.spec-kitty"));
  }

  @Test
  void aJsonDocumentStaysValidAndOnlyItsSecretsChange() throws Exception {
    String doc =
        "{\"args\":[\"serve\",\"--token\",\"hunter2hunter2\",\"--api-key=k3y-v4lue\","
            + "\"--port\",\"9237\"],\"token\":\"abc123\",\"token_matches\":true,"
            + "\"password\":null,\"cwd\":\"/home/dev/work/shop\","
            + "\"url\":\"http://127.0.0.1:9237/?token=0123456789abcdef0123456789abcdef\","
            + "\"skip_reason\":\"its health answer does not hold the token of its command line\","
            + "\"session\":\"eyJhbGciOiJIUzI1NiJ9eyJzdWIiOiIxMjM0NTY3ODkwIn0abcDEF123\","
            + "\"escaped\":\"caf\\u00e9 \\\\0123456789abcdef0123456789abcdef\"}";
    String out = Redaction.redact(doc);
    var json = JsonMapper.builder().build().readTree(out);
    assertEquals("<redacted>", json.get("args").get(2).asString(), out);
    assertEquals("--api-key=<redacted>", json.get("args").get(3).asString(), out);
    assertEquals("9237", json.get("args").get(5).asString(), "a port is no secret");
    assertEquals("<redacted>", json.get("token").asString());
    assertTrue(json.get("token_matches").asBoolean(), "a JSON literal is kept: " + out);
    assertTrue(json.get("password").isNull(), out);
    assertEquals("/home/dev/work/shop", json.get("cwd").asString());
    assertEquals("http://127.0.0.1:9237/?token=<redacted>", json.get("url").asString());
    assertEquals(
        "its health answer does not hold the token of its command line",
        json.get("skip_reason").asString(),
        "prose that names a token is not a secret");
    assertEquals("<redacted>", json.get("session").asString(), "a long base64 word");
    assertTrue(json.get("escaped").asString().startsWith("café"), out);
  }

  @Test
  void unquotedValuesNumbersAuthorizationHeadersAndEscapedWordsAreMaskedAndJsonStaysValid()
      throws Exception {
    for (String doc :
        List.of(
            "{\"a\":1,\"token_proof\":null}",
            "{\"has_token\":true}",
            "{\"tokens\":[1234,5678]}",
            "{\"secret\":{\"k\":\"v\"}}")) {
      JsonMapper.builder().build().readTree(Redaction.redact(doc)); // throws when invalid
    }
    assertEquals("--password <redacted>", Redaction.redact("--password 98765432"));
    assertEquals("KITTY_TOKEN=<redacted>", Redaction.redact("KITTY_TOKEN=1234-5678-90"));
    assertEquals(
        "curl -H 'Authorization: Bearer <redacted>' x",
        Redaction.redact("curl -H 'Authorization: Bearer abcdefghij' x"));
    assertEquals("line\\n<redacted>", Redaction.redact("line\\n0123456789abcdef0123456789abcdef"));
  }

  @Test
  void theStartOfATokenThatATextReportCutShortIsMasked() {
    assertEquals(
        "run_dashboard_server(Path('/p'), 9237, '<redacted>…",
        Redaction.redact("run_dashboard_server(Path('/p'), 9237, 'd13ae408c287b0…"));
    assertEquals("python3 -m http.serv…", Redaction.redact("python3 -m http.serv…"), "short");
  }

  @Test
  void aLongWordOfKeyCharactersIsRedactedInLinearTime() {
    String word = "a-".repeat(50_000);
    long t0 = System.nanoTime();
    assertEquals(word, Redaction.redact(word));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    // Not a speed claim: a quadratic pattern takes minutes here (another user could put such a
    // word in a command line and stall every redacted doctor run).
    assertTrue(ms < 10_000, "100,000 characters in " + ms + " ms");
  }

  @Test
  void ordinaryWordsPathsAndNumbersAreKept() {
    for (String line :
        List.of(
            "dashboard  port 9237 pid 4242  tree: stopped by tree",
            "/work/main/kitty-shell/target/lib/family-dashboard-0.1.0-SNAPSHOT.jar",
            "--enable-native-access=org.jline.terminal.ffm,dev.kitty.engine",
            "KITTY_LAUNCH_ID=becad7ba-a892-49a5-aef1-d73889b19b87",
            "----------------------------------------------------------------",
            "sha 1234567")) {
      assertEquals(line, Redaction.redact(line));
    }
  }

  @Test
  void theWriterMasksALineWrittenInPiecesAndWhatIsLeftOnFlush() throws Exception {
    StringWriter target = new StringWriter();
    Writer w = Redaction.writer(target);
    w.write("--token ");
    w.write("s3cr3t-value\npid 12\n");
    w.write("password=hunter22");
    assertEquals("--token <redacted>\npid 12\n", target.toString());
    w.flush();
    assertEquals("--token <redacted>\npid 12\npassword=<redacted>", target.toString());
  }

  private static String redactAll(String text) {
    return String.join("\n", text.lines().map(Redaction::redact).toList());
  }
}
