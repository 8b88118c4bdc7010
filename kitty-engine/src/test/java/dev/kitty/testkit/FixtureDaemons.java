package dev.kitty.testkit;

import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Small real daemons for tests: Python HTTP servers on loopback that answer fixed JSON on given
 * paths, the way a spec-kitty dashboard or sync daemon answers its health endpoint. The string
 * {@code "$PID"} anywhere in a payload is replaced by the server's real pid.
 */
public final class FixtureDaemons {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The JSON server's Python source: prepend lines to change its behaviour (ignore TERM, fork). */
  public static final String SERVER_SOURCE =
      String.join(
          "\n",
          "import http.server, json, os, sys",
          "port = int(sys.argv[1]); routes = json.loads(sys.argv[2])",
          "class H(http.server.BaseHTTPRequestHandler):",
          "    def do_GET(self):",
          "        body = routes.get(self.path.split('?')[0])",
          "        if body is None:",
          "            self.send_response(404); self.end_headers(); return",
          "        data = json.dumps(body).replace('\"$PID\"', str(os.getpid())).encode()",
          "        self.send_response(200)",
          "        self.send_header('Content-Type', 'application/json')",
          "        self.send_header('Content-Length', str(len(data)))",
          "        self.end_headers(); self.wfile.write(data)",
          "    def log_message(self, *args): pass",
          "http.server.HTTPServer(('127.0.0.1', port), H).serve_forever()",
          "");

  private FixtureDaemons() {}

  /** Starts a JSON server on {@code port} answering {@code routes} and waits until it listens. */
  public static Process jsonServer(TrackedProcesses procs, int port, Map<String, Object> routes) {
    return jsonServer(procs, port, routes, SERVER_SOURCE);
  }

  /** As above, running {@code source} (which must end with {@link #SERVER_SOURCE}). */
  public static Process jsonServer(TrackedProcesses procs, int port, Map<String, Object> routes, String source) {
    Process p = procs.start("python3", "-c", source, Integer.toString(port), JSON.writeValueAsString(routes));
    TrackedProcesses.awaitListening("127.0.0.1", port, Duration.ofSeconds(10));
    return p;
  }

  /**
   * A parent and its child holding one listening socket (the child inherited it across fork), as
   * in seed 004. The child sleeps; the parent waits until it is killed.
   *
   * @param owner the parent process
   * @param child the inheriting child's pid
   */
  public record SharedSocket(Process owner, long child) {}

  /** Starts a {@link SharedSocket} on 127.0.0.1:port; {@code comment} is a first line of the script (a shape marker). */
  public static SharedSocket sharedSocket(TrackedProcesses procs, int port, String comment) {
    String script =
        "# " + comment + "\n"
            + "import os, socket, time\n"
            + "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
            + "s.bind(('127.0.0.1', " + port + ")); s.listen()\n"
            + "pid = os.fork()\n"
            + "if pid == 0:\n    time.sleep(600); os._exit(0)\n"
            + "print(pid, flush=True); time.sleep(600)\n";
    Process owner = procs.start("python3", "-c", script);
    try {
      String line = new java.io.BufferedReader(new java.io.InputStreamReader(owner.getInputStream())).readLine();
      TrackedProcesses.awaitListening("127.0.0.1", port, Duration.ofSeconds(10));
      return new SharedSocket(owner, Long.parseLong(line.strip()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Starts {@code python3 -m http.server} (no JSON anywhere: a third party) on 127.0.0.1:port. */
  public static Process plainHttpServer(TrackedProcesses procs, int port) {
    Process p = procs.start("python3", "-m", "http.server", Integer.toString(port), "--bind", "127.0.0.1");
    TrackedProcesses.awaitListening("127.0.0.1", port, Duration.ofSeconds(10));
    return p;
  }
}
