package org.carelake.ingestion;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * Dates as the data contracts write them, {@code YYYY-MM-DD} and nothing looser: {@link LocalDate#parse} also takes a
 * signed or five-digit year ("-2025-03-04" is 2026 BC, "+12024-04-01" the year 12024), which no council file means.
 */
public final class IsoDates {

  private static final Pattern SHAPE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

  private IsoDates() {}

  /** The date, or null when the text is not a real date written YYYY-MM-DD. */
  public static LocalDate parseOrNull(String text) {
    if (text == null || !SHAPE.matcher(text).matches()) {
      return null;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Whether an ISO timestamp starts with such a date (a signed or five-digit year does not). */
  public static boolean startsWithDate(String text) {
    return text != null && text.length() >= 10 && SHAPE.matcher(text.substring(0, 10)).matches();
  }
}
