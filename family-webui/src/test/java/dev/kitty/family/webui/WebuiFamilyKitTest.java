package dev.kitty.family.webui;

import dev.kitty.familykit.FamilyVerifier;
import dev.kitty.familykit.junit.FamilyKitExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The family test kit (ADR 35) on the webui family. Its daemons are kitty's own launches, proven by
 * their launch cookie and record, which no generated world has: every world is someone else's.
 */
@ExtendWith(FamilyKitExtension.class)
class WebuiFamilyKitTest {

  @Test
  void theWebuiFamilyKeepsEveryRuleOfTheKit(FamilyVerifier kit) {
    kit.verify(new WebuiFamily()).assertPassed();
  }
}
