package dev.kitty.family.jupyter;

import dev.kitty.familykit.FamilySample;
import dev.kitty.familykit.FamilyVerifier;
import dev.kitty.familykit.junit.FamilyKitExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The family test kit in a family's own build: what every family author adds. The sample is what a
 * real Jupyter server answers at {@code GET /api} (jupyter-server 2.x).
 */
@ExtendWith(FamilyKitExtension.class)
class JupyterFamilyKitTest {

  static final FamilySample JUPYTER_SERVER =
      new FamilySample(
          List.of("/usr/bin/python3", "-m", "jupyter", "server", "--port={port}", "--no-browser"),
          Map.of("/api", "{\"version\": \"2.14.2\"}"));

  @Test
  void theJupyterFamilyKeepsEveryRuleOfTheKit(FamilyVerifier kit) {
    kit.verify(new JupyterFamily(), List.of(JUPYTER_SERVER)).assertPassed();
  }
}
