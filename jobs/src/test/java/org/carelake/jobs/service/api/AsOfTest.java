package org.carelake.jobs.service.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AsOfTest {

  @Test
  void digitsAreASnapshotIdAndDatesAreReadInUkTime() {
    assertThat(AsOf.parse("4465364068622869457").snapshotId()).isEqualTo(4465364068622869457L);
    // 31 October 2026 ends at 23:59:59.999 GMT (British Summer Time ended on the 25th)
    assertThat(AsOf.parse("2026-10-31").time()).isEqualTo(Instant.parse("2026-10-31T23:59:59.999Z"));
    // in summer a UK date-time is an hour ahead of UTC
    assertThat(AsOf.parse("2026-07-01T09:00").time()).isEqualTo(Instant.parse("2026-07-01T08:00:00Z"));
    assertThat(AsOf.parse("2026-07-01T09:00:00Z").time()).isEqualTo(Instant.parse("2026-07-01T09:00:00Z"));
    assertThat(AsOf.parse("2026-07-01T09:00:00+02:00").time()).isEqualTo(Instant.parse("2026-07-01T07:00:00Z"));
  }

  @Test
  void anythingElseIsAClearError() {
    assertThatThrownBy(() -> AsOf.parse("last tuesday")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("neither a snapshot id nor a date");
  }
}
