package dev.kitty.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.kitty.testkit.TrackedProcesses;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The rules of kitty's loopback web servers (ADR 27), request by request on real sockets: the
 * dashboard's Host check, token, same-origin writes, headers and bounded cost, and the sync
 * daemon's; then in Chromium, a hostile page on another loopback port.
 */
class WebSecurityIT {

  @RegisterExtension final TrackedProcesses procs = new TrackedProcesses();

  @TempDir Path home;

  private KittyRun.Result run(String... args) {
    return SyncDaemons.kitty(procs, home, Map.of(), args);
  }

  /** One answer: status, headers (lower-case names), body. */
  record Answer(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** Sends {@code raw} as it is and reads the answer to the end (the server closes). */
  static Answer raw(int port, String raw) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(raw.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.UTF_8);
      int split = text.indexOf("\r\n\r\n");
      String head = split < 0 ? text : text.substring(0, split);
      String[] lines = head.split("\r\n");
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.put(
              lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).strip());
        }
      }
      return new Answer(
          Integer.parseInt(lines[0].split(" ")[1]),
          headers,
          split < 0 ? "" : text.substring(split + 4));
    }
  }

  /** An HTTP/1.1 request with {@code Connection: close} and the given extra header lines. */
  static Answer request(int port, String method, String path, String host, String... headers)
      throws Exception {
    return withBody(port, method, path, host, "", headers);
  }

  static Answer withBody(
      int port, String method, String path, String host, String body, String... headers)
      throws Exception {
    StringBuilder r = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
    if (host != null) {
      r.append("Host: ").append(host).append("\r\n");
    }
    for (String h : headers) {
      r.append(h).append("\r\n");
    }
    byte[] payload = body.getBytes(StandardCharsets.UTF_8);
    r.append("Content-Length: ").append(payload.length).append("\r\n");
    r.append("Connection: close\r\n\r\n").append(body);
    return raw(port, r.toString());
  }

  private record Dashboard(Path project, int port, long pid, String token, String url) {}

  private Dashboard dashboard(String name) throws Exception {
    Path project = Files.createDirectories(home.resolve(name)).toRealPath();
    KittyRun.Result r = run("--json", "dashboard", "--project", project.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    JsonNode d = r.json();
    String token = Files.readAllLines(project.resolve(".kittify/.dashboard")).get(2);
    return new Dashboard(
        project, d.get("port").asInt(), d.get("pid").asLong(), token, d.get("url").asString());
  }

  @Test
  void theDashboardServesOnlyLoopbackHostsAndOnlyWithTheTokenAndWritesOnlyFromItsOwnOrigin()
      throws Exception {
    Dashboard d = dashboard("project");
    int port = d.port();
    String own = "127.0.0.1:" + port;
    assertEquals("http://" + own + "/?token=" + d.token(), d.url(), "the printed URL");

    // 1. A foreign Host on every path, health included: 403, and nothing of the project.
    for (String path :
        List.of("/api/health", "/", "/api/state", "/api/shutdown", "/dashboard.js", "/nope")) {
      for (String host :
          List.of("attacker.example:" + port, "attacker.example", "127.0.0.1:1", "[::2]")) {
        Answer a =
            request(port, "GET", path, host, "Authorization: token " + d.token(), "Cookie: x=1");
        assertEquals(403, a.status(), path + " Host " + host + ": " + a);
        assertFalse(a.body().contains(d.project().toString()), a.body());
      }
    }
    // Without any Host at all (HTTP/1.0, and HTTP/1.1 that omits it).
    assertEquals(403, raw(port, "GET /api/health HTTP/1.0\r\n\r\n").status());
    assertEquals(403, raw(port, "GET /api/health HTTP/1.1\r\nConnection: close\r\n\r\n").status());
    // Every loopback spelling is served; kitty's own probe still proves it.
    for (String host : List.of(own, "localhost:" + port, "[::1]:" + port, "127.0.0.1")) {
      assertEquals(200, request(port, "GET", "/api/health", host).status(), host);
    }
    JsonNode scan = run("--json", "scan", "dashboard").json();
    assertTrue(scan.toString().contains("\"recorded\":true"), "kitty's probe passes: " + scan);

    // 2. The page and the state need the token; the hint says how to get it.
    for (String path : List.of("/", "/api/state")) {
      Answer none = request(port, "GET", path, own);
      assertEquals(401, none.status(), path + ": " + none);
      assertTrue(none.body().contains("kitty dashboard"), none.body());
      assertFalse(none.body().contains(d.project().toString()), none.body());
      Answer wrong = request(port, "GET", path, own, "Authorization: token " + "0".repeat(32));
      assertEquals(401, wrong.status(), path);
      assertEquals(
          401,
          request(port, "GET", path, own, "Cookie: kitty_token_" + (port + 1) + "=" + d.token())
              .status(),
          "another port's cookie is not this one's");
    }
    // The token in a header or in the query: each is enough.
    Answer header = request(port, "GET", "/api/state", own, "Authorization: token " + d.token());
    assertEquals(200, header.status(), header.toString());
    assertEquals(200, request(port, "GET", "/api/state?token=" + d.token(), own).status());
    // The printed URL: the token earns this run's session cookie (HttpOnly, SameSite=Strict), not
    // a copy of the token, which every server on 127.0.0.1 would receive from the browser.
    Answer login = request(port, "GET", "/?token=" + d.token(), own);
    assertEquals(303, login.status(), login.toString());
    assertEquals("/", login.header("Location"));
    String setCookie = login.header("Set-Cookie");
    String session = setCookie.substring(0, setCookie.indexOf(';'));
    assertTrue(session.startsWith("kitty_token_" + port + "="), setCookie);
    assertFalse(setCookie.contains(d.token()), "the cookie is not the token: " + setCookie);
    assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"), setCookie);
    assertEquals(401, request(port, "GET", "/?token=wrong", own).status());
    assertEquals(
        401,
        request(port, "GET", "/api/state", own, "Cookie: kitty_token_" + port + "=" + d.token())
            .status(),
        "the token as a cookie is not a session");
    Answer cookie = request(port, "GET", "/api/state", own, "Cookie: other=1; " + session);
    assertEquals(200, cookie.status());
    // Another page on 127.0.0.1 may set a cookie of the same name; the right one still counts.
    assertEquals(
        200,
        request(port, "GET", "/api/state", own, "Cookie: kitty_token_" + port + "=x; " + session)
            .status());
    Answer page = request(port, "GET", "/", own, "Cookie: " + session);
    assertEquals(200, page.status());
    assertTrue(page.body().contains(d.project().toString()), "the page names its project");
    assertFalse(page.body().contains("<script>"), "no inline script: the CSP forbids it");
    assertEquals(200, request(port, "HEAD", "/api/health", own).status(), "HEAD is answered");

    // 4. Headers on every answer, refusals included.
    for (Answer a :
        List.of(
            header,
            page,
            login,
            request(port, "GET", "/api/state", own),
            request(port, "GET", "/nope", own),
            request(port, "GET", "/api/health", "attacker.example"),
            request(port, "GET", "/api/shutdown", own))) {
      assertEquals(
          "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
          a.header("Content-Security-Policy"));
      assertEquals("DENY", a.header("X-Frame-Options"));
      assertEquals("nosniff", a.header("X-Content-Type-Options"));
      assertEquals("no-referrer", a.header("Referrer-Policy"));
      assertEquals("no-store", a.header("Cache-Control"));
    }

    // 6. The state a browser reads is redacted: a spec-kitty dashboard in the range has its token
    // in its command line; the local user's scan keeps it, the page's state masks it.
    Path skProject = Files.createDirectories(home.resolve("sk")).toRealPath();
    int skPort = TrackedProcesses.freePort(9237, 9337);
    String skToken = SpecKittyReplicas.token(40);
    SpecKittyReplicas.dashboard(procs, skProject, skPort, skToken);
    SyncDaemons.awaitHealthy(skPort);
    assertTrue(run("--json", "scan", "dashboard").out().contains(skToken), "scan keeps it");
    Thread.sleep(2100); // past the shared refresh window: the next read is a new state
    request(port, "GET", "/api/state", own, "Authorization: token " + d.token());
    String state = "";
    for (int i = 0; i < 50 && !state.contains("\"port\":" + skPort); i++) {
      Thread.sleep(200);
      state = request(port, "GET", "/api/state", own, "Authorization: token " + d.token()).body();
    }
    assertTrue(state.contains("\"port\":" + skPort), "the state shows the spec-kitty dashboard");
    assertFalse(state.contains(skToken), "its token is masked in the state: " + state);
    assertFalse(state.contains(d.token()), "and so is this dashboard's");
    assertTrue(KittyRun.JSON.readTree(state).has("families"), "a valid document: " + state);

    // 3. Writes: POST only, with the token, from this origin only.
    String cookieLine = "Cookie: " + session;
    assertEquals(405, request(port, "GET", "/api/shutdown?token=" + d.token(), own).status());
    for (String from :
        List.of(
            "Origin: http://127.0.0.1:18000",
            "Origin: null",
            "Origin: http://attacker.example:" + port,
            "Referer: http://127.0.0.1:18000/attack.html")) {
      Answer csrf = request(port, "POST", "/api/shutdown", own, cookieLine, from);
      assertEquals(403, csrf.status(), from + ": " + csrf);
    }
    assertEquals(
        403,
        withBody(port, "POST", "/api/shutdown", own, "{\"token\":\"" + "0".repeat(32) + "\"}")
            .status());
    assertEquals(403, request(port, "POST", "/api/shutdown", own).status(), "no token at all");
    assertEquals(
        403,
        request(port, "POST", "/api/shutdown", own, cookieLine, "Origin: http://" + own).status(),
        "the session cookie is good for reads only");
    assertTrue(SyncDaemons.alive(d.pid()), "no refused write stopped it");
    Answer ok =
        request(
            port,
            "POST",
            "/api/shutdown",
            own,
            "Authorization: token " + d.token(),
            "Origin: http://" + own);
    assertEquals(200, ok.status(), ok.toString());
    SyncDaemons.awaitGone(d.pid(), Duration.ofSeconds(10));
  }

  @Test
  void openHandsTheBrowserAPrivatePageNotTheTokenOnACommandLine() throws Exception {
    // A stand-in for the desktop's opener that writes down what it was given.
    Path bin = Files.createDirectories(home.resolve("bin"));
    Path given = home.resolve("opener-args");
    Path opener = bin.resolve("xdg-open");
    Files.writeString(opener, "#!/bin/sh\nprintf '%s' \"$*\" > '" + given + "'\n");
    opener.toFile().setExecutable(true);
    Path project = Files.createDirectories(home.resolve("opened")).toRealPath();
    KittyRun.Result r =
        SyncDaemons.kitty(
            procs,
            home,
            Map.of("PATH", bin + ":" + System.getenv("PATH")),
            "--json",
            "dashboard",
            "--open",
            "--project",
            project.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    String url = r.json().get("url").asString();
    String token = Files.readAllLines(project.resolve(".kittify/.dashboard")).get(2);
    TrackedProcesses.await("the opener to run", Duration.ofSeconds(10), () -> Files.exists(given));
    String arg = Files.readString(given);
    assertTrue(arg.startsWith("file:/"), arg);
    assertFalse(arg.contains(token), "no token on the opener's command line: " + arg);
    Path page = Path.of(java.net.URI.create(arg));
    assertEquals(
        "rw-------",
        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(page)));
    assertTrue(Files.readString(page).contains(url), "the page sends the browser on to the URL");
  }

  @Test
  void idleClientsAndAFloodOfStateReadersCostOneRefreshAndNeverBlockTheHealthAnswer()
      throws Exception {
    Dashboard d = dashboard("busy");
    int port = d.port();
    String own = "127.0.0.1:" + port;
    List<Socket> idle = new ArrayList<>();
    try {
      // A slowloris: 300 connections (more than the JDK's old cap of 256) that send half a
      // request and wait.
      for (int i = 0; i < 300; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        s.getOutputStream().write(("GET /api/state HTTP/1.1\r\nHost: " + own + "\r\n").getBytes());
        s.getOutputStream().flush();
        idle.add(s);
      }
      long t0 = System.nanoTime();
      assertEquals(200, request(port, "GET", "/api/health", own).status());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms < 1000, "health answered in " + ms + " ms beside 300 idle clients");
      JsonNode c = run("--json", "scan", "dashboard").json();
      assertTrue(c.toString().contains("\"recorded\":true"), "kitty's probe got its answer: " + c);

      // 20 readers at once: one refresh serves them all (the same document, byte for byte).
      String auth = "Authorization: token " + d.token();
      request(port, "GET", "/api/state", own, auth); // the first state
      List<CompletableFuture<Answer>> readers = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        readers.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return request(port, "GET", "/api/state", own, auth);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }));
      }
      Set<String> bodies = new HashSet<>();
      for (var r : readers) {
        Answer a = r.get(30, TimeUnit.SECONDS);
        assertEquals(200, a.status());
        bodies.add(a.body());
      }
      assertTrue(
          bodies.size() <= 2,
          "20 readers within the 2 s window share at most two refreshes: " + bodies.size());
    } finally {
      for (Socket s : idle) {
        s.close();
      }
    }
  }

  @Test
  void theSyncDaemonChecksTheHostAndTakesWritesOnlyFromNoOtherOrigin() throws Exception {
    KittyRun.Result ensured = run("--json", "sync", "ensure");
    assertEquals(0, ensured.code(), ensured.out() + ensured.err());
    int port = ensured.json().get("port").asInt();
    long pid = ensured.json().get("pid").asLong();
    String own = "127.0.0.1:" + port;
    for (String path : List.of("/api/health", "/api/jobs", "/api/shutdown")) {
      assertEquals(403, request(port, "GET", path, "attacker.example:" + port).status(), path);
    }
    assertEquals(200, request(port, "GET", "/api/health", own).status());
    Answer getShutdown = request(port, "GET", "/api/shutdown", own);
    assertEquals(405, getShutdown.status(), "POST only");
    assertEquals("POST", getShutdown.header("Allow"));
    Answer unknown = request(port, "GET", "/other", own);
    assertEquals(404, unknown.status());
    assertEquals("DENY", unknown.header("X-Frame-Options"), "kitty's headers on every path");
    assertEquals(403, request(port, "GET", "/other", "attacker.example").status());
    String job = "{\"duration_ms\":10,\"name\":\"x\"}";
    assertEquals(
        403,
        withBody(port, "POST", "/api/jobs", own, job, "Origin: http://127.0.0.1:18000").status(),
        "a page of another origin cannot post jobs");
    assertEquals(202, withBody(port, "POST", "/api/jobs", own, job).status());
    assertEquals(
        403, withBody(port, "POST", "/api/shutdown", own, "{\"token\":\"nope\"}").status());
    assertTrue(SyncDaemons.alive(pid));
    JsonNode stopped = run("--json", "kill", Long.toString(pid), "--family", "sync").json();
    assertEquals(
        "http_shutdown", stopped.get("swept").get(0).get("cleanup_path").asString(), "kitty's own");
  }

  @Test
  void inChromiumThePageDrawsFromTheTokenUrlAndAHostilePageCanNeitherReadNorStopIt()
      throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        TrackedProcesses.onPath("chromium"), "chromium is installed by .ci/run");
    Dashboard d = dashboard("browsed");
    String dom = Chromium.run(procs, home, d.url(), "--dump-dom");
    assertTrue(dom.contains("dashboard [9237, 9337)"), "the page drew the port map: " + dom);
    assertTrue(dom.contains("class=\"cell recorded\""), dom);

    // The hostile page: another origin on another loopback port. It first puts the dashboard's
    // cookie into the browser (as a user who has the page open has it), then tries to read the
    // state with credentials and to post a shutdown form, and reports to its own server. The
    // dashboard's log says whether the refused requests carried the token (the cookie).
    int attackPort = TrackedProcesses.freePort(18000, 18100);
    List<String> reports = java.util.Collections.synchronizedList(new ArrayList<>());
    String target = "http://127.0.0.1:" + d.port();
    String html =
        "<!doctype html><html><body><div id=r>pending</div><iframe name=sink></iframe>"
            + "<form id=f method=POST action='"
            + target
            + "/api/shutdown' target=sink><input name=x value=1></form><script>"
            + "const img = new Image();"
            + "img.onload = img.onerror = async () => {"
            + "  let read;"
            + "  try { const r = await fetch('"
            + target
            + "/api/state', {credentials: 'include'}); read = 'READ ' + (await r.text()).length; }"
            + "  catch (e) { read = 'BLOCKED ' + e.name; }"
            + "  document.getElementById('f').submit();"
            + "  await new Promise(done => setTimeout(done, 500));"
            + "  await fetch('/report', {method: 'POST', body: read});"
            + "};"
            + "img.src = '"
            + d.url()
            + "';"
            + "</script></body></html>";
    HttpServer attacker =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), attackPort), 8);
    attacker.createContext(
        "/",
        x -> {
          try (x) {
            if (x.getRequestURI().getPath().equals("/report")) {
              reports.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
              x.sendResponseHeaders(204, -1);
              return;
            }
            byte[] b = html.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
          }
        });
    attacker.start();
    String after;
    try {
      after = Chromium.run(procs, home, "http://127.0.0.1:" + attackPort + "/", "--dump-dom");
    } finally {
      attacker.stop(0);
    }
    assertEquals(1, reports.size(), "the hostile page ran: " + reports + "\n" + after);
    assertTrue(reports.getFirst().startsWith("BLOCKED"), "it could not read the state: " + reports);
    TrackedProcesses.await(
        "the form post to reach the dashboard",
        Duration.ofSeconds(10),
        () -> dashboardLogs().contains("refused POST /api/shutdown"));
    String log = dashboardLogs();
    assertTrue(
        log.contains(
            "refused POST /api/shutdown: Origin http://127.0.0.1:"
                + attackPort
                + " is another origin (it carried the token or the session)"),
        "the browser sent the cookie; only the origin rule refused it: " + log);
    assertTrue(
        log.contains(
            "refused GET /api/state: Origin http://127.0.0.1:"
                + attackPort
                + " is another origin (it carried the token or the session)"),
        "the read was refused by the server, not only by CORS: " + log);
    assertTrue(SyncDaemons.alive(d.pid()), "its form post did not stop the dashboard");
    assertFalse(log.contains("shutting down"), log);
  }

  /** The dashboards' logs under kitty's state dir. */
  private String dashboardLogs() {
    Path logs = home.resolve("state").resolve("logs");
    StringBuilder all = new StringBuilder();
    if (Files.isDirectory(logs)) {
      try (var files = Files.list(logs)) {
        for (Path f : files.toList()) {
          all.append(Files.readString(f));
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return all.toString();
  }
}
