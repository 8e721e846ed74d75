package org.carelake.jobs.service.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Peak memory of one benchmark step: the process's peak resident set (Linux VmHWM, reset through clear_refs; it
 * includes DuckDB's native memory) and the JVM heap's peak.
 */
public final class PeakMemory {

  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  /** Peaks in bytes; rss is -1 where the system does not report it. */
  public record Peak(long rssBytes, long heapBytes) {}

  private PeakMemory() {}

  static void reset() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
    try {
      Files.writeString(CLEAR_REFS, "5"); // resets VmHWM to the current RSS
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      // not Linux, or not allowed: the RSS peak is then the process's peak so far
    }
  }

  static Peak read() {
    long heap = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        heap += pool.getPeakUsage().getUsed();
      }
    }
    return new Peak(rss(), heap);
  }

  private static long rss() {
    try {
      List<String> lines = Files.readAllLines(STATUS);
      for (String l : lines) {
        if (l.startsWith("VmHWM:")) {
          return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
