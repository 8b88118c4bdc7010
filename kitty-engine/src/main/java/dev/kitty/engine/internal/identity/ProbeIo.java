package dev.kitty.engine.internal.identity;

import dev.kitty.api.FileEvidence;
import dev.kitty.api.HttpAnswer;
import dev.kitty.api.ListenerView;
import dev.kitty.engine.internal.http.LoopbackHttp;
import java.time.Duration;

/**
 * What a probe reads beyond the process table: loopback HTTP answers and small files. The real one
 * asks the listener and the file system; a simulated machine (ADR 35) answers from its data, so a
 * family verified against generated worlds never reaches a real port or file.
 */
public interface ProbeIo {

  /** {@code GET path} on {@code listener}, bounded by {@code timeout}; never throws. */
  HttpAnswer get(ListenerView listener, String path, Duration timeout);

  /** The file at {@code path} with its owner and mode; never throws. */
  FileEvidence read(String path);

  /** The machine kitty runs on. */
  ProbeIo REAL =
      new ProbeIo() {
        @Override
        public HttpAnswer get(ListenerView l, String path, Duration timeout) {
          return LoopbackHttp.get(LoopbackHttp.hostFor(l), l.port(), path, timeout);
        }

        @Override
        public FileEvidence read(String path) {
          return FileEvidenceReader.read(path);
        }
      };
}
