package dev.kitty.api.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import java.nio.charset.StandardCharsets;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The contract's proof and random values. */
class DaemonProofTest {

  @Test
  void theProofIsTheJdksHmacSha256ForEveryKeyAndMessage() {
    qt().withExamples(1000)
        .forAll(
            strings().allPossible().ofLengthBetween(0, 100),
            strings().allPossible().ofLengthBetween(0, 200))
        .checkAssert(
            (key, message) -> {
              byte[] k = key.getBytes(StandardCharsets.UTF_8);
              byte[] m = message.getBytes(StandardCharsets.UTF_8);
              assertArrayEquals(jdkHmac(k, m), DaemonProof.hmacSha256(k, m), key + " / " + message);
            });
  }

  @Test
  void rfc4231TestCase2() {
    assertEquals(
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        DaemonProof.proof("Jefe", "what do ya want for nothing?"));
  }

  @Test
  void randomValuesAreFreshAndProofsCompareExactly() {
    String a = DaemonProof.randomHex(16);
    assertEquals(32, a.length());
    assertNotEquals(a, DaemonProof.randomHex(16));
    String p = DaemonProof.proof(a, "c");
    assertTrue(DaemonProof.proofMatches(p, p));
    assertFalse(DaemonProof.proofMatches(p, p.substring(1)));
    assertFalse(DaemonProof.proofMatches(p, null));
  }

  private static byte[] jdkHmac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      // An empty key is not allowed by SecretKeySpec; HMAC pads it to zeros, as one zero byte is.
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
