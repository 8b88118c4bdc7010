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

  /** A route key: with it, POST /api/shutdown with {"token": VALUE} makes the server exit. */
  public static final String SHUTDOWN_TOKEN = "__shutdown_token__";

  /**
   * A route key: with it (true), the server forks after binding; the child serves, the parent
   * waits.
   */
  public static final String FORK = "__fork__";

  /** The JSON server's Python source: prepend lines to change its behaviour (ignore TERM, fork). */
  public static final String SERVER_SOURCE =
      String.join(
          "\n",
          "import http.server, json, os, sys, time",
          "port = int(sys.argv[1]); routes = json.loads(sys.argv[2])",
          "token = routes.pop('"
              + SHUTDOWN_TOKEN
              + "', None); fork = routes.pop('"
              + FORK
              + "', False)",
          "class H(http.server.BaseHTTPRequestHandler):",
          "    def reply(self, code, body):",
          "        data = json.dumps(body).replace('\"$PID\"', str(os.getpid())).encode()",
          "        self.send_response(code)",
          "        self.send_header('Content-Type', 'application/json')",
          "        self.send_header('Content-Length', str(len(data)))",
          "        self.end_headers(); self.wfile.write(data); self.wfile.flush()",
          "    def do_GET(self):",
          "        body = routes.get(self.path.split('?')[0])",
          "        if body is None:",
          "            self.send_response(404); self.end_headers(); return",
          "        self.reply(200, body)",
          "    def do_POST(self):",
          "        if token is None or self.path != '/api/shutdown':",
          "            self.send_response(404); self.end_headers(); return",
          "        sent = json.loads(self.rfile.read(int(self.headers.get('Content-Length') or 0)) or b'{}').get('token')",
          "        if sent != token:",
          "            self.reply(403, {'error': 'token'}); return",
          "        self.reply(200, {'ok': True}); os._exit(0)",
          "    def log_message(self, *args): pass",
          "server = http.server.HTTPServer(('127.0.0.1', port), H)",
          "if fork:",
          "    child = os.fork()",
          "    if child == 0:",
          "        server.serve_forever()",
          "    print(child, flush=True); time.sleep(3600)",
          "else:",
          "    server.serve_forever()",
          "");

  private FixtureDaemons() {}

  /** Starts a JSON server on {@code port} answering {@code routes} and waits until it listens. */
  public static Process jsonServer(TrackedProcesses procs, int port, Map<String, Object> routes) {
    return jsonServer(procs, port, routes, SERVER_SOURCE);
  }

  /** As above, running {@code source} (which must end with {@link #SERVER_SOURCE}). */
  public static Process jsonServer(
      TrackedProcesses procs, int port, Map<String, Object> routes, String source) {
    Process p =
        procs.start(
            "python3", "-c", source, Integer.toString(port), JSON.writeValueAsString(routes));
    TrackedProcesses.awaitListening("127.0.0.1", port, Duration.ofSeconds(10));
    return p;
  }

  /**
   * A parent and its child holding one listening socket (the child inherited it across fork), as in
   * seed 004. The child sleeps; the parent waits until it is killed.
   *
   * @param owner the parent process
   * @param child the inheriting child's pid
   */
  public record SharedSocket(Process owner, long child) {}

  /**
   * Starts a {@link SharedSocket} on 127.0.0.1:port; {@code comment} is a first line of the script
   * (a shape marker).
   */
  public static SharedSocket sharedSocket(TrackedProcesses procs, int port, String comment) {
    String script =
        "# "
            + comment
            + "\n"
            + "import os, socket, time\n"
            + "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
            + "s.bind(('127.0.0.1', "
            + port
            + ")); s.listen()\n"
            + "pid = os.fork()\n"
            + "if pid == 0:\n    time.sleep(600); os._exit(0)\n"
            + "print(pid, flush=True); time.sleep(600)\n";
    Process owner = procs.start("python3", "-c", script);
    return forked(owner, port);
  }

  /**
   * A JSON server whose listening socket was bound by a parent that then forked: the child serves
   * (it inherited the socket), the parent only waits. Killing the parent leaves the child holding
   * the port — seed 004's ghost.
   */
  public static SharedSocket forkedJsonServer(
      TrackedProcesses procs, int port, Map<String, Object> routes) {
    Map<String, Object> withFork = new java.util.LinkedHashMap<>(routes);
    withFork.put(FORK, true);
    Process owner =
        procs.start(
            "python3",
            "-c",
            SERVER_SOURCE,
            Integer.toString(port),
            JSON.writeValueAsString(withFork));
    return forked(owner, port);
  }

  /** The forking parent prints its child's pid; then the port must listen. */
  private static SharedSocket forked(Process owner, int port) {
    try {
      String line =
          new java.io.BufferedReader(new java.io.InputStreamReader(owner.getInputStream()))
              .readLine();
      TrackedProcesses.awaitListening("127.0.0.1", port, Duration.ofSeconds(10));
      return new SharedSocket(owner, Long.parseLong(line.strip()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Starts {@code python3 -m http.server} (no JSON anywhere: a third party) on 127.0.0.1:port. */
  public static Process plainHttpServer(TrackedProcesses procs, int port) {
    Process p =
        procs.start("python3", "-m", "http.server", Integer.toString(port), "--bind", "127.0.0.1");
    TrackedProcesses.awaitListening("127.0.0.1", port, Duration.ofSeconds(10));
    return p;
  }
}
