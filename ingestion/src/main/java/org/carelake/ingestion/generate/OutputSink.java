package org.carelake.ingestion.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** Where generated files go, by path relative to the output folder (always with '/' separators). */
public interface OutputSink {

  void write(String relativePath, byte[] bytes);

  /** Writes into a folder, creating sub-folders as needed. */
  static OutputSink directory(Path root) {
    return (relativePath, bytes) -> {
      Path target = root.resolve(relativePath);
      try {
        Files.createDirectories(target.getParent());
        Files.write(target, bytes);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
      }
    };
  }

  /** Keeps the files in memory, sorted by path (for tests). */
  final class Memory implements OutputSink {
    private final Map<String, byte[]> files = new TreeMap<>();

    @Override
    public synchronized void write(String relativePath, byte[] bytes) {
      if (files.put(relativePath, bytes) != null) {
        throw new IllegalStateException(relativePath + " written twice");
      }
    }

    public Map<String, byte[]> files() {
      return files;
    }
  }
}
