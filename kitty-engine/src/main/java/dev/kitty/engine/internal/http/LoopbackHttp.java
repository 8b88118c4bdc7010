package dev.kitty.engine.internal.http;

import dev.kitty.api.HttpAnswer;
import dev.kitty.engine.internal.JsonSupport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * A deliberately small HTTP/1.1 GET over a plain socket, for identity probes of local daemons.
 *
 * <p>Why not {@code java.net.http}: a probe must be bounded in total time and in bytes whatever the
 * peer does (accept and never answer, trickle a byte a second, send 100 MB), must never follow a
 * redirect or send credentials, and must only ever talk to loopback. A socket with one deadline
 * gives all of that in a page; {@code HttpClient} bounds only the wait for headers and starts a
 * selector thread per client.
 */
public final class LoopbackHttp {

  /** The most body bytes a probe reads; a larger answer is refused as such. */
  public static final int MAX_BODY = 256 * 1024;

  private LoopbackHttp() {}

  /**
   * Where to reach a listener: wildcards on loopback, an IPv4-mapped address (a dual-stack socket
   * bound to 127.0.0.1) as the IPv4 address it maps, so that the Host header names a loopback name
   * a guarded server accepts (ADR 27); any other address is refused by get/post.
   */
  public static String hostFor(dev.kitty.api.ListenerView l) {
    String a = l.address();
    if (a.regionMatches(true, 0, "::ffff:", 0, 7) && a.indexOf('.') > 0) {
      return a.substring(7);
    }
    return switch (a) {
      case "0.0.0.0" -> "127.0.0.1";
      case "::", "::1" -> "::1";
      default -> a;
    };
  }

  /** POST {@code json} to {@code path}; bounded and loopback-only like {@link #get}. */
  public static HttpAnswer post(String host, int port, String path, String json, Duration timeout) {
    return exchange(host, port, "POST", path, json, timeout);
  }

  /**
   * GET {@code path} from {@code host:port}, which must be a loopback address.
   *
   * @return the answer, or {@link HttpAnswer#failed} with the reason; never throws
   */
  public static HttpAnswer get(String host, int port, String path, Duration timeout) {
    return exchange(host, port, "GET", path, null, timeout);
  }

  private static HttpAnswer exchange(
      String host, int port, String method, String path, String body, Duration timeout) {
    String hostPart = host.contains(":") ? "[" + host + "]" : host;
    String url = "http://" + hostPart + ":" + port + path;
    long deadline = System.nanoTime() + timeout.toNanos();
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (IOException e) {
      return HttpAnswer.failed(url, "bad address: " + host);
    }
    if (!address.isLoopbackAddress()) {
      return HttpAnswer.failed(url, "refused: kitty probes only loopback addresses");
    }
    try (Socket s = new Socket()) {
      // Close with a reset once the answer is read: a scan probes every listener in every range,
      // and graceful closes would leave a TIME_WAIT entry per probe in the machine's socket table.
      s.setSoLinger(true, 0);
      s.connect(new InetSocketAddress(address, port), remainingMillis(deadline));
      byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      String request =
          method
              + " "
              + path
              + " HTTP/1.1\r\nHost: "
              + hostPart
              + ":"
              + port
              + "\r\nUser-Agent: kitty-probe\r\nAccept: application/json\r\nConnection: close\r\n"
              + (body == null
                  ? ""
                  : "Content-Type: application/json\r\nContent-Length: " + payload.length + "\r\n")
              + "\r\n";
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().write(payload);
      s.getOutputStream().flush();
      byte[] raw = readBounded(s, deadline);
      return parse(url, raw);
    } catch (SocketTimeoutException e) {
      return HttpAnswer.failed(url, "no answer within " + timeout.toMillis() + " ms");
    } catch (TooLarge e) {
      return HttpAnswer.failed(url, "answer larger than " + MAX_BODY + " bytes");
    } catch (IOException e) {
      return HttpAnswer.failed(url, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private static int remainingMillis(long deadline) throws SocketTimeoutException {
    long ms = (deadline - System.nanoTime()) / 1_000_000;
    if (ms <= 0) {
      throw new SocketTimeoutException("deadline passed");
    }
    return (int) Math.min(ms, Integer.MAX_VALUE);
  }

  private static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;
  }

  private static byte[] readBounded(Socket s, long deadline) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    int limit = MAX_BODY + 16 * 1024;
    while (true) {
      s.setSoTimeout(remainingMillis(deadline));
      int n = in.read(chunk);
      if (n < 0) {
        return buf.toByteArray();
      }
      buf.write(chunk, 0, n);
      if (buf.size() > limit) {
        throw new TooLarge();
      }
      if (complete(buf.toByteArray())) {
        return buf.toByteArray();
      }
    }
  }

  /**
   * Whether the answer is whole: all Content-Length bytes, or the last chunk of a chunked body. A
   * peer may keep the connection open despite "Connection: close", and waiting for it to close
   * would turn every healthy probe into a timeout.
   */
  private static boolean complete(byte[] raw) {
    int headerEnd = headerEnd(raw);
    if (headerEnd < 0) {
      return false;
    }
    String headers = new String(raw, 0, headerEnd, StandardCharsets.ISO_8859_1);
    if (headers.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
      return dechunk(java.util.Arrays.copyOfRange(raw, headerEnd + 4, raw.length)) != null
          && new String(
                  raw,
                  raw.length - Math.min(raw.length, 5),
                  Math.min(raw.length, 5),
                  StandardCharsets.ISO_8859_1)
              .equals("0\r\n\r\n");
    }
    long length = contentLength(headers);
    return length >= 0 && raw.length - headerEnd - 4 >= length;
  }

  private static int headerEnd(byte[] raw) {
    for (int i = 0; i + 3 < raw.length; i++) {
      if (raw[i] == '\r' && raw[i + 1] == '\n' && raw[i + 2] == '\r' && raw[i + 3] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static long contentLength(String headers) {
    for (String line : headers.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("content-length")) {
        try {
          return Long.parseLong(line.substring(colon + 1).strip());
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }

  static HttpAnswer parse(String url, byte[] raw) {
    int headerEnd = headerEnd(raw);
    if (headerEnd < 0) {
      return HttpAnswer.failed(url, "not an HTTP answer");
    }
    String headers = new String(raw, 0, headerEnd, StandardCharsets.ISO_8859_1);
    String[] lines = headers.split("\r\n");
    String[] status = lines[0].split(" ", 3);
    if (status.length < 2 || !status[0].startsWith("HTTP/")) {
      return HttpAnswer.failed(url, "not an HTTP answer");
    }
    int code;
    try {
      code = Integer.parseInt(status[1]);
    } catch (NumberFormatException e) {
      return HttpAnswer.failed(url, "bad HTTP status line");
    }
    byte[] body = java.util.Arrays.copyOfRange(raw, headerEnd + 4, raw.length);
    boolean chunked = headers.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked");
    if (chunked) {
      body = dechunk(body);
      if (body == null) {
        return HttpAnswer.failed(url, "malformed chunked body");
      }
    }
    long length = contentLength(headers);
    if (length >= 0 && length < body.length) {
      body = java.util.Arrays.copyOf(body, (int) length);
    }
    if (body.length > MAX_BODY) {
      return HttpAnswer.failed(url, "answer larger than " + MAX_BODY + " bytes");
    }
    String text = new String(body, StandardCharsets.UTF_8);
    return new HttpAnswer(url, code, text, JsonSupport.objectOrNull(text), null);
  }

  private static byte[] dechunk(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < body.length) {
      int lineEnd = i;
      while (lineEnd + 1 < body.length && !(body[lineEnd] == '\r' && body[lineEnd + 1] == '\n')) {
        lineEnd++;
      }
      if (lineEnd + 1 >= body.length) {
        return null;
      }
      String sizeText =
          new String(body, i, lineEnd - i, StandardCharsets.US_ASCII).split(";")[0].strip();
      int size;
      try {
        size = Integer.parseInt(sizeText, 16);
      } catch (NumberFormatException e) {
        return null;
      }
      if (size == 0) {
        return out.toByteArray();
      }
      int start = lineEnd + 2;
      // Compared without adding: a chunk size of 7fffffff overflowed start + size and threw.
      if (size < 0 || size > body.length - start) {
        return null;
      }
      out.write(body, start, size);
      i = start + size + 2;
    }
    return out.toByteArray();
  }
}
