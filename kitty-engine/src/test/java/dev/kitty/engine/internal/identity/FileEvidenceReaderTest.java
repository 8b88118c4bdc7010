package dev.kitty.engine.internal.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kitty.api.FileEvidence;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Only "no such file" is absent: a probe takes a project that is gone for a stale daemon's, so a
 * path whose existence cannot be told must never read as gone (ADR 35).
 */
class FileEvidenceReaderTest {

  @TempDir Path dir;

  @Test
  void onlyAPathThatIsNotThereIsAbsent() throws Exception {
    assertTrue(FileEvidenceReader.read(dir.resolve("gone").toString()).absent());
    FileEvidence folder = FileEvidenceReader.read(dir.toString());
    assertEquals(FileEvidence.IS_DIRECTORY, folder.error());
    assertFalse(folder.absent());
    Files.writeString(dir.resolve("f"), "x");
    assertEquals("x", FileEvidenceReader.read(dir.resolve("f").toString()).text());
    Files.createSymbolicLink(dir.resolve("link"), dir);
    FileEvidence link = FileEvidenceReader.read(dir.resolve("link").toString());
    assertFalse(link.absent(), "a symlink is there, and never followed: " + link);
    assertEquals("not a regular file", link.error());
  }

  @Test
  void aPathWhoseExistenceCannotBeToldIsNotAbsent() throws Exception {
    // ENAMETOOLONG: Files.exists says false here, which once read as "no such file". (EACCES on
    // a folder above is the same case, but this suite runs as root, which every mode lets in.)
    String tooLong = dir.resolve("x".repeat(300)).resolve("project").toString();
    FileEvidence e = FileEvidenceReader.read(tooLong);
    assertFalse(e.absent(), e.toString());
    assertTrue(e.error().contains("File name too long"), e.error());
  }
}
