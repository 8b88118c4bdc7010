package dev.kitty.api.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.kitty.api.support.DaemonProof;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The rules every loopback web server of a kitty family follows (ADR 27), in one place so that the
 * dashboard and the sync daemon cannot drift apart:
 *
 * <ul>
 *   <li><b>Host check</b>: only {@code 127.0.0.1}, {@code localhost} and {@code [::1]}, with this
 *       server's port or none, are served; anything else (a DNS-rebinding page's own name, a
 *       missing Host) gets 403 and nothing of interest. kitty's own probes send a loopback Host.
 *   <li><b>Same origin</b>: a request whose {@code Origin} or {@code Referer} names another origin
 *       is refused, even with the token — cookies are not port-bound, so a page on another loopback
 *       port carries this server's cookie; only the origin tells it apart.
 *   <li><b>Token</b>: from {@code Authorization: token T} or {@code ?token=T}, compared in constant
 *       time; the page's cookie holds a secret of this run instead, good for reads only.
 *   <li><b>Headers</b> on every answer: a CSP that allows only this origin and no framing, {@code
 *       X-Frame-Options: DENY}, {@code nosniff}, {@code no-referrer}, {@code no-store}.
 * </ul>
 *
 * <p>A server makes one {@code LoopbackWeb} for its port and token and wraps its handlers with
 * {@link #guarded}; the methods that decide are static and pure, for tests.
 */
public final class LoopbackWeb {

  /** Sent with every answer (ADR 27). */
  public static final Map<String, String> SECURITY_HEADERS =
      Map.of(
          "Content-Security-Policy",
          "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
          "X-Frame-Options",
          "DENY",
          "X-Content-Type-Options",
          "nosniff",
          "Referrer-Policy",
          "no-referrer",
          "Cache-Control",
          "no-store");

  private static final List<String> LOOPBACK_NAMES = List.of("127.0.0.1", "localhost", "[::1]");

  /** Refusals logged one by one; beyond, one line per this many (a flood must not fill a disk). */
  private static final int LOGGED_REFUSALS = 50;

  private static final int REFUSALS_PER_LINE_AFTER = 1000;

  private final int port;
  private final String token;
  // What the cookie holds: a secret of this server's run, never the token itself. A browser sends
  // its 127.0.0.1 cookies to every server on 127.0.0.1, whoever runs it; one that collects them
  // gets read access to this page while it runs, never the token that stops it (ADR 27).
  private final String session = DaemonProof.randomHex(16);
  private final Consumer<String> log;
  private final AtomicLong refusals = new AtomicLong();

  /** Open connections a server accepts at once: far above honest use, below a JVM's descriptors. */
  public static final int MAX_CONNECTIONS = 2048;

  /**
   * Sets the JDK server's limits (ADR 27), before the first {@code HttpServer} is made: they are
   * read once. TCP_NODELAY, or every answer meets the client's delayed ACK (40 ms a probe); a
   * request must arrive within 5 s and an answer leave within 30 s; at most {@link
   * #MAX_CONNECTIONS} connections; the idle timer ticks every second (the JDK's default is 10 s),
   * so a connection that sends nothing is closed about 5 s after it opened, not 15. With a virtual
   * thread per exchange, idle or slow clients never starve the health answer.
   */
  public static void configureJdkServer() {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    System.setProperty("sun.net.httpserver.maxReqTime", "5");
    System.setProperty("sun.net.httpserver.maxRspTime", "30");
    System.setProperty("jdk.httpserver.maxConnections", Integer.toString(MAX_CONNECTIONS));
    System.setProperty("sun.net.httpserver.clockTick", "1000");
  }

  /**
   * @param port the port this server listens on
   * @param token the secret that authorises a request; null for a server without one
   * @param log where each refused request is reported, one line (the server's log)
   */
  public LoopbackWeb(int port, String token, Consumer<String> log) {
    this.port = port;
    this.token = token;
    this.log = log;
  }

  /** As above, reporting refusals nowhere. */
  public LoopbackWeb(int port, String token) {
    this(port, token, line -> {});
  }

  /**
   * Whether a {@code Host} header names this loopback server: a loopback name, this port or none.
   */
  public static boolean loopbackHost(String host, int port) {
    if (host == null) {
      return false;
    }
    String h = host.strip().toLowerCase(Locale.ROOT);
    for (String name : LOOPBACK_NAMES) {
      if (h.equals(name) || h.equals(name + ":" + port)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether an {@code Origin} and {@code Referer} (either may be null) allow a request to this
   * server: each one present must name {@code http://} a loopback name with this port. {@code
   * Origin: null} (a sandboxed frame, a redirect across origins) names no origin and is refused.
   */
  public static boolean sameOrigin(String origin, String referer, int port) {
    return (origin == null || ownOrigin(origin, port))
        && (referer == null || ownOrigin(referer, port));
  }

  private static boolean ownOrigin(String url, int port) {
    try {
      URI u = new URI(url.strip());
      if (!"http".equalsIgnoreCase(u.getScheme()) || u.getRawAuthority() == null) {
        return false;
      }
      return loopbackHost(u.getRawAuthority(), port) && u.getPort() == port;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  /** The value of cookie {@code name} in a {@code Cookie} header, if there (the first one). */
  public static Optional<String> cookie(String header, String name) {
    return cookies(header, name).stream().findFirst();
  }

  /**
   * Every value of cookie {@code name}: any page on 127.0.0.1 can set a cookie of the same name
   * (cookies ignore ports), so a check must accept the request when any one of them is right.
   */
  public static List<String> cookies(String header, String name) {
    if (header == null) {
      return List.of();
    }
    List<String> out = new java.util.ArrayList<>();
    for (String pair : header.split(";")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).strip().equals(name)) {
        out.add(pair.substring(eq + 1).strip());
      }
    }
    return out;
  }

  /** The value of query parameter {@code name} in a raw query, if there. */
  public static Optional<String> query(String rawQuery, String name) {
    if (rawQuery == null) {
      return Optional.empty();
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        try {
          return Optional.of(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException bad) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /** The cookie that keeps this server's token: one name per port, since cookies ignore ports. */
  public String cookieName() {
    return "kitty_token_" + port;
  }

  /**
   * A {@code Set-Cookie} value that keeps this run's session secret (not the token) away from
   * scripts and other sites.
   */
  public String tokenCookie() {
    return cookieName() + "=" + session + "; Path=/; HttpOnly; SameSite=Strict";
  }

  /**
   * The token the request presents itself: {@code Authorization: token T} (or {@code Bearer T}), or
   * {@code ?token=T}. The cookie is not a token ({@link #authorised}).
   */
  public Optional<String> presentedToken(HttpExchange x) {
    String auth = x.getRequestHeaders().getFirst("Authorization");
    if (auth != null) {
      String a = auth.strip();
      for (String scheme : List.of("token ", "Bearer ")) {
        if (a.regionMatches(true, 0, scheme, 0, scheme.length())) {
          return Optional.of(a.substring(scheme.length()).strip());
        }
      }
    }
    return query(x.getRequestURI().getRawQuery(), "token");
  }

  /** Whether the request carries this run's session cookie (the page's reads). */
  public boolean hasSession(HttpExchange x) {
    return cookies(x.getRequestHeaders().getFirst("Cookie"), cookieName()).stream()
        .anyMatch(v -> DaemonProof.proofMatches(session, v));
  }

  /** Whether {@code given} is this server's token (constant time); false without a token. */
  public boolean tokenMatches(String given) {
    return token != null && given != null && DaemonProof.proofMatches(token, given);
  }

  /**
   * Whether the request may read: it presents the token, or it carries this run's session cookie.
   * Writes need the token itself ({@link #presentedToken}).
   */
  public boolean authorised(HttpExchange x) {
    return tokenMatches(presentedToken(x).orElse(null)) || hasSession(x);
  }

  /** Whether the request's {@code Origin} (and, for a write, its {@code Referer}) allow it. */
  public boolean sameOrigin(HttpExchange x) {
    String method = x.getRequestMethod();
    boolean read = method.equals("GET") || method.equals("HEAD");
    return sameOrigin(
        x.getRequestHeaders().getFirst("Origin"),
        read ? null : x.getRequestHeaders().getFirst("Referer"),
        port);
  }

  /**
   * {@code handler}, behind the Host check and the same-origin rule: a request naming another host
   * or coming from another origin is answered 403 before the handler sees it.
   */
  public HttpHandler guarded(HttpHandler handler) {
    return x -> {
      try (x) {
        String host = x.getRequestHeaders().getFirst("Host");
        if (!loopbackHost(host, port)) {
          refused(x, "Host " + host + " is not a loopback name of port " + port);
          send(x, 403, "forbidden: not a loopback Host\n", "text/plain");
        } else if (!sameOrigin(x)) {
          String origin = x.getRequestHeaders().getFirst("Origin");
          refused(
              x,
              (origin != null
                      ? "Origin " + origin
                      : "Referer " + x.getRequestHeaders().getFirst("Referer"))
                  + " is another origin");
          send(x, 403, "forbidden: another origin\n", "text/plain");
        } else {
          handler.handle(x);
        }
      }
    };
  }

  /**
   * Reports a refusal to the server's log, with whether the request carried the token or this run's
   * session: a refused request that carried them is a browser whose cookie another page is using.
   * After {@value #LOGGED_REFUSALS} lines, one line per {@value #REFUSALS_PER_LINE_AFTER}.
   */
  public void refused(HttpExchange x, String why) {
    long n = refusals.incrementAndGet();
    if (n <= LOGGED_REFUSALS || n % REFUSALS_PER_LINE_AFTER == 0) {
      log.accept(
          "refused "
              + x.getRequestMethod()
              + " "
              + x.getRequestURI().getRawPath()
              + ": "
              + why.replaceAll("[\\p{Cntrl}]", "?")
              + (authorised(x) ? " (it carried the token or the session)" : "")
              + (n > LOGGED_REFUSALS ? " (" + n + " refusals so far)" : ""));
    }
  }

  /** Sends {@code body} with {@code status}, the security headers and {@code type} (UTF-8). */
  public static void send(HttpExchange x, int status, String body, String type) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    SECURITY_HEADERS.forEach((k, v) -> x.getResponseHeaders().set(k, v));
    x.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    boolean head = x.getRequestMethod().equals("HEAD");
    x.sendResponseHeaders(status, bytes.length == 0 || head ? -1 : bytes.length);
    if (bytes.length > 0 && !head) {
      try (OutputStream out = x.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
