package org.carelake.transforms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotPinsTest {

  private final SnapshotPins pins = SnapshotPins.of(Map.of("raw.return_measure", 11L, "raw.visit_record", 22L));

  @Test
  void aPinnedTableIsReadAtItsSnapshotWhereverItIsReferenced() {
    assertThat(pins.apply("select r.* from raw.return_measure r join raw.visit_record v on v.x = r.x"))
        .isEqualTo("select r.* from raw.return_measure VERSION AS OF 11 r join raw.visit_record VERSION AS OF 22 v on v.x = r.x");
    assertThat(pins.apply("from raw.return_measure\nwhere 1 = 1")).isEqualTo("from raw.return_measure VERSION AS OF 11\nwhere 1 = 1");
  }

  @Test
  void longerNamesColumnQualifiersAndOtherTablesAreLeftAlone() {
    String sql = "select raw.return_measure.value, x from raw.return_measure_archive join staging.raw_return_measure join raw.quarantine";
    assertThat(pins.apply(sql)).isEqualTo(sql);
    assertThat(SnapshotPins.none().apply("select * from raw.return_measure")).isEqualTo("select * from raw.return_measure");
  }
}
