package dev.kitty.engine.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.api.HttpAnswer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The probe client against hostile loopback peers: every answer is bounded in time and size. */
class LoopbackHttpIT {

  private final List<ServerSocket> servers = new ArrayList<>();
  private final List<Socket> held = new ArrayList<>();

  @AfterEach
  void close() throws IOException {
    for (Socket s : held) {
      s.close();
    }
    for (ServerSocket s : servers) {
      s.close();
    }
  }

  /** A loopback server that handles each connection with {@code handler} on a virtual thread. */
  private int serve(Consumer<Socket> handler) throws IOException {
    ServerSocket ss = new ServerSocket();
    ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    servers.add(ss);
    Thread.ofVirtual()
        .start(
            () -> {
              while (!ss.isClosed()) {
                try {
                  Socket s = ss.accept();
                  synchronized (held) {
                    held.add(s);
                  }
                  Thread.ofVirtual().start(() -> handler.accept(s));
                } catch (IOException closed) {
                  return;
                }
              }
            });
    return ss.getLocalPort();
  }

  private static void write(Socket s, String text) {
    try {
      OutputStream out = s.getOutputStream();
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException ignored) {
      // the client gave up first
    }
  }

  private static HttpAnswer get(int port, Duration timeout) {
    return LoopbackHttp.get("127.0.0.1", port, "/api/health", timeout);
  }

  @Test
  void aPeerThatAcceptsButNeverAnswersIsBounded() throws IOException {
    int port = serve(s -> {});
    long start = System.nanoTime();
    HttpAnswer a = get(port, Duration.ofMillis(300));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals("no answer within 300 ms", a.error());
    assertTrue(ms < 2_000, "took " + ms + " ms");
  }

  @Test
  void aPeerThatTricklesBytesForeverIsBoundedByTheDeadlineNotPerRead() throws IOException {
    int port =
        serve(
            s -> {
              for (int i = 0; i < 100; i++) {
                write(s, "H");
                try {
                  Thread.sleep(50);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    long start = System.nanoTime();
    HttpAnswer a = get(port, Duration.ofMillis(400));
    assertEquals(-1, a.status());
    assertTrue((System.nanoTime() - start) / 1_000_000 < 2_000);
  }

  @Test
  void garbageIsNotAnAnswer() throws IOException {
    int port =
        serve(
            s -> {
              write(s, "SSH-2.0-OpenSSH_9.2\r\n\r\n");
              try {
                s.close();
              } catch (IOException ignored) {
                // closed
              }
            });
    assertEquals("not an HTTP answer", get(port, Duration.ofSeconds(2)).error());
  }

  @Test
  void aPeerThatResetsTheConnectionIsAFailedProbeNotAnException() throws IOException {
    int port =
        serve(
            s -> {
              try {
                // SO_LINGER 0: the close sends RST instead of FIN.
                s.setSoLinger(true, 0);
                s.close();
              } catch (IOException ignored) {
                // closed
              }
            });
    HttpAnswer a = get(port, Duration.ofSeconds(2));
    assertTrue(a.error() != null, "a reset is reported as the probe's failure: " + a);
  }

  @Test
  void aHugeAnswerIsRefusedAsSuch() throws IOException {
    int port =
        serve(
            s -> {
              write(s, "HTTP/1.1 200 OK\r\nContent-Length: 104857600\r\n\r\n");
              byte[] chunk = new byte[65536];
              java.util.Arrays.fill(chunk, (byte) 'a');
              try {
                for (int i = 0; i < 1600; i++) {
                  s.getOutputStream().write(chunk);
                }
              } catch (IOException clientGaveUp) {
                // expected
              }
            });
    assertEquals(
        "answer larger than " + LoopbackHttp.MAX_BODY + " bytes",
        get(port, Duration.ofSeconds(5)).error());
  }

  @Test
  void aJsonAnswerIsParsedWithContentLengthOrChunkedAndKeepAlive() throws IOException {
    String body = "{\"project_path\":\"/p\",\"pid\":7}";
    int plain =
        serve(
            s ->
                write(
                    s,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length()
                        + "\r\n\r\n"
                        + body));
    HttpAnswer a = get(plain, Duration.ofSeconds(2));
    assertTrue(a.okJson(), a.toString());
    assertEquals("/p", a.json().get("project_path"));
    int chunked =
        serve(
            s ->
                write(
                    s,
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n"));
    HttpAnswer b = get(chunked, Duration.ofSeconds(2));
    assertEquals(1L, b.json().get("a"), "JSON integers read as Long (JsonText)");
  }

  /** A chunk size near Integer.MAX_VALUE once overflowed an index and threw inside the probe. */
  @Test
  void aChunkSizeThatWouldOverflowIsACleanRefusal() throws Exception {
    for (String size : List.of("7fffffff", "7ffffffe", "ffffffff", "-5", "80000000")) {
      int port =
          serve(
              s -> {
                write(
                    s,
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + size
                        + "\r\nabc\r\n0\r\n\r\n");
                try {
                  s.close();
                } catch (IOException ignored) {
                  // closed already
                }
              });
      HttpAnswer a = get(port, Duration.ofSeconds(2));
      assertTrue(a.error() != null, size + ": " + a);
      assertEquals("malformed chunked body", a.error(), size);
    }
  }

  @Test
  void onlyLoopbackIsEverProbed() {
    HttpAnswer a = LoopbackHttp.get("192.0.2.10", 80, "/", Duration.ofSeconds(1));
    assertEquals("refused: kitty probes only loopback addresses", a.error());
  }
}
