package org.carelake.jobs.service.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeakMemoryTest {

  @Test
  void theHeapPeakSeesWhatWasHeldAndNeverExceedsTheHeap() {
    PeakMemory.reset();
    long before = PeakMemory.read().heapBytes();
    List<byte[]> held = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      held.add(new byte[1 << 20]); // 64 MiB held at once
    }
    System.gc();
    PeakMemory.Peak peak = PeakMemory.read();
    assertThat(held).hasSize(64);
    assertThat(peak.heapBytes()).isGreaterThanOrEqualTo(before + 60L * (1 << 20));
    assertThat(peak.heapBytes()).isLessThanOrEqualTo(Runtime.getRuntime().maxMemory());
  }
}
