package dev.kitty.shell.command;

import dev.kitty.engine.model.Candidate;
import dev.kitty.engine.model.EnsureReport;
import dev.kitty.engine.model.KittyException;
import dev.kitty.engine.model.ScanReport;
import dev.kitty.shell.render.Ansi;
import dev.kitty.shell.render.ReportJson;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code kitty sync ensure} and {@code kitty sync status}: the sync family's singleton daemon (seed
 * 001). {@code ensure} is what any command that needs sync runs first.
 */
@Command(
    name = "sync",
    description = "The sync daemon: one singleton per scope.",
    subcommands = {SyncCommand.Ensure.class, SyncCommand.Status.class})
public final class SyncCommand implements Callable<Integer> {

  static final String FAMILY = "sync";

  @ParentCommand KittyCommand root;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(root.session().err());
    return ExitCodes.USAGE;
  }

  /** {@code kitty sync ensure}. */
  @Command(
      name = "ensure",
      description = {
        "Start the scope's sync daemon, or reuse the live one; first stop the provably stale ones.",
        "Never stops an operator_required or never_touch daemon. Exit 1 when a stop or",
        "the start failed."
      })
  static final class Ensure implements Callable<Integer> {

    @ParentCommand SyncCommand sync;

    @Option(
        names = "--intent",
        paramLabel = "INTENT",
        description = "local_only (default) or hosted; hosted needs KITTY_ENABLE_HOSTED_SYNC=1.")
    String intent = "local_only";

    @Override
    public Integer call() {
      KittyCommand root = sync.root;
      String wanted = intent.strip().toLowerCase(Locale.ROOT).replace('-', '_');
      if (!wanted.equals("local_only") && !wanted.equals("hosted")) {
        throw new KittyException.Usage(
            "--intent must be local_only or hosted, got \"" + intent + "\"");
      }
      Map<String, String> env = new LinkedHashMap<>();
      // The daemon inherits kitty's environment; a shell or batch session passes its own on.
      root.session()
          .env()
          .forEach(
              (k, v) -> {
                if (k.startsWith("KITTY_SYNC_")
                    || k.equals("KITTY_ENABLE_HOSTED_SYNC")
                    || k.equals("KITTY_TEST")) {
                  env.put(k, v);
                }
              });
      if (wanted.equals("hosted")
          && !"1".equals(root.session().env().get("KITTY_ENABLE_HOSTED_SYNC"))) {
        throw new KittyException.Usage(
            "hosted sync needs KITTY_ENABLE_HOSTED_SYNC=1 in the environment");
      }
      env.put("KITTY_SYNC_INTENT", wanted.toUpperCase(Locale.ROOT));
      EnsureReport r = root.kitty().ensure(FAMILY, env, StopText.progress(root));
      int code = r.cleaned().failed().isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
      PrintWriter out = root.out();
      if (root.jsonOutput()) {
        out.println(ReportJson.write(ReportJson.ensure(r)));
        return code;
      }
      Ansi ansi = root.ansi();
      out.println(
          ansi.bold("sync daemon")
              + "  pid "
              + r.pid()
              + " on port "
              + r.port()
              + "  "
              + (r.reused() ? ansi.dim("reused") : ansi.paint("32", "started")));
      if (!r.cleaned().swept().isEmpty() || !r.cleaned().failed().isEmpty()) {
        StopText.printArrays(r.cleaned(), out, ansi);
      }
      r.notes().forEach(n -> out.println(ansi.paint("33", "note: " + n)));
      return code;
    }
  }

  /** {@code kitty sync status}. */
  @Command(
      name = "status",
      description = {
        "The scope's live sync daemon and every other listener in the sync range.",
        "Exit 0 when the singleton is live, 3 when there is none."
      })
  static final class Status implements Callable<Integer> {

    @ParentCommand SyncCommand sync;

    @Override
    public Integer call() {
      KittyCommand root = sync.root;
      ScanReport scan = root.kitty().scan(List.of(FAMILY));
      root.session().lastScan(scan);
      Optional<Candidate> live = scan.candidates().filter(c -> c.identity().recorded()).findFirst();
      int code = live.isPresent() ? ExitCodes.OK : ExitCodes.NEEDS_ACTION;
      PrintWriter out = root.out();
      if (root.jsonOutput()) {
        ObjectNode doc = ReportJson.scan(scan);
        doc.set(
            "singleton",
            live.map(c -> (tools.jackson.databind.JsonNode) ReportJson.candidate(c)).orElse(null));
        out.println(ReportJson.write(doc));
        return code;
      }
      Ansi ansi = root.ansi();
      if (live.isPresent()) {
        Candidate c = live.get();
        Map<String, Object> a = c.identity().attributes();
        out.println(
            ansi.bold("sync daemon")
                + "  pid "
                + c.pid()
                + " on port "
                + c.port()
                + ", version "
                + a.get("package_version")
                + ", "
                + a.get("intent")
                + ", "
                + a.get("in_flight")
                + " job(s) in flight");
        out.println("  " + ansi.dim("root " + a.get("daemon_root")));
      } else {
        out.println(
            ansi.bold("sync daemon")
                + "  "
                + ansi.paint("33", "none live; 'kitty sync ensure' starts one"));
      }
      long others = scan.candidates().filter(c -> !c.identity().recorded()).count();
      if (others > 0) {
        out.println(
            others + " other listener(s) in the sync range; 'kitty doctor sync' explains them");
      }
      return code;
    }
  }
}
