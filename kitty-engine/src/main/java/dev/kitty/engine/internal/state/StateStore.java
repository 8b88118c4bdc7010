package dev.kitty.engine.internal.state;

import dev.kitty.engine.StateRecord;
import dev.kitty.engine.internal.JsonSupport;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * kitty's records in the state directory ({@code records/*.json}). This issue only reads them; the
 * writers (launches, singletons, stacks) come with the lifecycle commands.
 */
public final class StateStore {

  private final Path dir;

  /** The store under {@code stateDir}. */
  public StateStore(Path stateDir) {
    this.dir = stateDir;
  }

  /** The records folder. */
  public Path recordsDir() {
    return dir.resolve("records");
  }

  /** Every record, sorted by file name; unreadable ones carry their error. */
  public List<StateRecord> records() {
    List<StateRecord> out = new ArrayList<>();
    Path records = recordsDir();
    if (!Files.isDirectory(records)) {
      return out;
    }
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(records, "*.json")) {
      ds.forEach(files::add);
    } catch (IOException e) {
      out.add(new StateRecord(records.toString(), null, "cannot list records: " + e.getMessage()));
      return out;
    }
    files.sort(null);
    for (Path f : files) {
      try {
        String text = Files.readString(f);
        Map<String, Object> data = JsonSupport.objectOrNull(text);
        out.add(data == null ? new StateRecord(f.toString(), null, "not a JSON object") : new StateRecord(f.toString(), data, null));
      } catch (IOException e) {
        out.add(new StateRecord(f.toString(), null, "cannot be read: " + e.getMessage()));
      }
    }
    return out;
  }
}
