package dev.kitty.shell.command;

import dev.kitty.api.CleanupClass;
import dev.kitty.engine.model.Candidate;
import dev.kitty.engine.model.FamilyScan;
import dev.kitty.engine.model.ScanReport;
import dev.kitty.shell.render.Ansi;
import dev.kitty.shell.render.ReportJson;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code kitty map [FAMILY…]}: each family's range as a grid of cells, one per port, coloured by
 * what holds it. Without colour each cell is a letter, so the map survives a pipe or a log.
 */
@Command(name = "map", description = "Draw the reserved port ranges, each port coloured by class.")
public final class MapCommand implements Callable<Integer> {

  private static final int CELLS_PER_ROW = 25;

  @ParentCommand KittyCommand root;

  @Mixin FamilyArgs families;

  @Override
  public Integer call() {
    ScanReport scan = root.kitty().scan(families.ids);
    root.session().lastScan(scan);
    PrintWriter out = root.out();
    if (root.jsonOutput()) {
      ObjectNode doc = ReportJson.object();
      ArrayNode fams = doc.putArray("families");
      for (FamilyScan fs : scan.families()) {
        ObjectNode f = fams.addObject().put("id", fs.family().id());
        f.set("port_range", ReportJson.range(fs.family().range()));
        ArrayNode ports = f.putArray("ports");
        for (Candidate c :
            worstPerPort(fs).values().stream()
                .sorted(Comparator.comparingInt(Candidate::port))
                .toList()) {
          ports
              .addObject()
              .put("port", c.port())
              .put("cleanup_class", c.cleanupClass().jsonName())
              .put("recorded", c.identity().recorded())
              .put("pid", c.pid());
        }
      }
      out.println(ReportJson.write(doc));
      return ExitCodes.OK;
    }
    draw(scan, out, root.ansi());
    return ExitCodes.OK;
  }

  /** Each family's range as a grid of cells coloured by class, then the legend. */
  static void draw(ScanReport scan, PrintWriter out, Ansi ansi) {
    for (FamilyScan fs : scan.families()) {
      Map<Integer, Candidate> byPort = worstPerPort(fs);
      out.println(
          ansi.bold(fs.family().id() + " " + fs.family().range())
              + "  "
              + byPort.size()
              + "/"
              + fs.family().range().size()
              + " ports held");
      int from = fs.family().range().from();
      int to = fs.family().range().to();
      for (int rowStart = from; rowStart < to; rowStart += CELLS_PER_ROW) {
        StringBuilder row = new StringBuilder(String.format("  %5d ", rowStart));
        for (int p = rowStart; p < Math.min(to, rowStart + CELLS_PER_ROW); p++) {
          row.append(cell(byPort.get(p), ansi));
        }
        out.println(row);
      }
    }
    out.println(
        "  legend: "
            + cell(null, ansi)
            + " free  "
            + legend(CleanupClass.SAFE_AUTO, false, ansi)
            + " safe_auto  "
            + legend(CleanupClass.OPERATOR_REQUIRED, false, ansi)
            + " operator_required  "
            + legend(CleanupClass.NEVER_TOUCH, false, ansi)
            + " never_touch  "
            + legend(CleanupClass.OPERATOR_REQUIRED, true, ansi)
            + " recorded live");
  }

  /** When a port has several sockets (IPv4 and IPv6), the most cautious class is shown. */
  private static Map<Integer, Candidate> worstPerPort(FamilyScan fs) {
    Map<Integer, Candidate> out = new HashMap<>();
    for (Candidate c : fs.candidates()) {
      out.merge(c.port(), c, (a, b) -> rank(a) >= rank(b) ? a : b);
    }
    return out;
  }

  private static int rank(Candidate c) {
    return c.identity().recorded() ? 3 : c.cleanupClass().ordinal();
  }

  private static String cell(Candidate c, Ansi ansi) {
    if (c == null) {
      return ansi.enabled() ? ansi.dim("·") : ".";
    }
    return legend(c.cleanupClass(), c.identity().recorded(), ansi);
  }

  private static String legend(CleanupClass cls, boolean recorded, Ansi ansi) {
    if (ansi.enabled()) {
      return ansi.paint(Ansi.code(cls, recorded), "■");
    }
    if (recorded) {
      return "R";
    }
    return switch (cls) {
      case SAFE_AUTO -> "S";
      case OPERATOR_REQUIRED -> "O";
      case NEVER_TOUCH -> "N";
    };
  }
}
