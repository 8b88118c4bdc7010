package dev.kitty.family.jupyter;

import dev.kitty.api.Family;
import dev.kitty.api.HttpAnswer;
import dev.kitty.api.Identity;
import dev.kitty.api.IdentitySource;
import dev.kitty.api.PortRange;
import dev.kitty.api.ProbeContext;
import dev.kitty.api.support.JsonFields;
import java.util.Map;

/**
 * Recognises Jupyter servers by their REST root ({@code GET /api} answers {@code {"version": …}}).
 * Kitty did not start them and has no record of them, so the best it can say is {@code
 * operator_required}: the operator decides.
 */
public final class JupyterFamily implements Family {

  @Override
  public String id() {
    return "jupyter";
  }

  @Override
  public String description() {
    return "Jupyter servers (sample drop-in family)";
  }

  @Override
  public PortRange defaultRange() {
    return new PortRange(8888, 8900);
  }

  @Override
  public Identity identify(ProbeContext ctx) {
    HttpAnswer api = ctx.httpGet("/api");
    var version = JsonFields.string(api.json(), "version");
    if (api.okJson() && version.isPresent()) {
      return Identity.operatorRequired(
          IdentitySource.HEALTH,
          "a Jupyter server kitty did not start",
          Map.of("jupyter_version", version.get()));
    }
    return Identity.neverTouch("not a Jupyter server");
  }
}
