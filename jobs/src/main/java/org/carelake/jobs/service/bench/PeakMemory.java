package org.carelake.jobs.service.bench;

import java.io.IOException;
import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Peak memory of one benchmark step: the process's peak resident set (Linux VmHWM, reset through clear_refs; it
 * includes DuckDB's native memory) and the JVM heap's peak. The heap peaks just before a collection, so its peak is the
 * largest heap in use that any collection saw before it ran (summed over the heap pools at that one moment), or in use
 * now. Adding up each pool's own peak, as the pools report them, would add peaks of different moments: an eden peak
 * and an old-generation peak that never coincided.
 */
public final class PeakMemory {

  private static final AtomicLong PEAK_BEFORE_GC = new AtomicLong();

  static {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener((n, handback) -> {
          if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
            PEAK_BEFORE_GC.accumulateAndGet(heapUsed(info.getGcInfo().getMemoryUsageBeforeGc()), Math::max);
          }
        }, null, null);
      }
    }
  }

  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  /** Peaks in bytes; rss is -1 where the system does not report it. */
  public record Peak(long rssBytes, long heapBytes) {}

  private PeakMemory() {}

  static void reset() {
    System.gc();
    PEAK_BEFORE_GC.set(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    try {
      Files.writeString(CLEAR_REFS, "5"); // resets VmHWM to the current RSS
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      // not Linux, or not allowed: the RSS peak is then the process's peak so far
    }
  }

  static Peak read() {
    long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    return new Peak(rss(), Math.max(PEAK_BEFORE_GC.get(), now));
  }

  /** Heap in use across the heap pools named in a collection's before-or-after usage. */
  private static long heapUsed(Map<String, MemoryUsage> byPool) {
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage u = byPool.get(pool.getName());
      if (pool.getType() == MemoryType.HEAP && u != null) {
        used += u.getUsed();
      }
    }
    return used;
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
