package org.carelake.jobs.service.api;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.OptionalLong;

/**
 * What an {@code asOf} parameter asks for: a snapshot id (digits) or a point in time. A date means the end of that
 * day and a date-time without an offset is read in UK time, as a council officer means them.
 */
public record AsOf(String text, Long snapshotId, Instant time) {

  static final ZoneId UK = ZoneId.of("Europe/London");

  public static AsOf parse(String text) {
    String t = text.strip();
    if (t.matches("-?\\d{6,}")) {
      return new AsOf(t, Long.parseLong(t), null);
    }
    try {
      if (t.length() == 10) {
        return new AsOf(t, null, LocalDate.parse(t).plusDays(1).atStartOfDay(UK).toInstant().minusMillis(1));
      }
      if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:\\d\\d$")) {
        return new AsOf(t, null, OffsetDateTime.parse(t).toInstant());
      }
      return new AsOf(t, null, LocalDateTime.parse(t).atZone(UK).toInstant());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("asOf=" + text + " is neither a snapshot id nor a date or date-time "
          + "(e.g. 2026-10-31, 2026-10-31T17:00, 2026-10-31T17:00:00Z)");
    }
  }

  public OptionalLong snapshot() {
    return snapshotId == null ? OptionalLong.empty() : OptionalLong.of(snapshotId);
  }
}
