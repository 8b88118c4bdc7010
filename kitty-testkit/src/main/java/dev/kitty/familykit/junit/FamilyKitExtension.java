package dev.kitty.familykit.junit;

import dev.kitty.familykit.FamilyVerifier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The family test kit in a family's own build (ADR 35): a test method that takes a {@link
 * FamilyVerifier} gets one (worlds and seed from {@code -Dkitty.kit.examples} and {@code
 * -Dkitty.kit.seed}), and every report it makes is published as the test's report entry, so the
 * build's output shows each rule whether it held or not.
 *
 * <pre>{@code
 * @ExtendWith(FamilyKitExtension.class)
 * class MyFamilyKitTest {
 *   @Test
 *   void isSafe(FamilyVerifier kit) {
 *     kit.verify(new MyFamily(), List.of(MY_SAMPLE)).assertPassed();
 *   }
 * }
 * }</pre>
 */
public final class FamilyKitExtension implements ParameterResolver, AfterEachCallback {

  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(FamilyKitExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == FamilyVerifier.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    StringBuilder reports = new StringBuilder();
    context.getStore(NS).put("reports", reports);
    return FamilyVerifier.fromSystemProperties().onReport(r -> reports.append(r.render()));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Object reports = context.getStore(NS).get("reports");
    if (reports instanceof StringBuilder sb && !sb.isEmpty()) {
      context.publishReportEntry("kitty family kit", sb.toString());
      System.out.print(sb);
    }
  }
}
