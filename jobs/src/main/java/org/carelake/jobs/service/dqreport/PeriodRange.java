package org.carelake.jobs.service.dqreport;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The months a report covers, {@code YYYY-MM} or {@code YYYY-MM..YYYY-MM}. A return is in the range when its period
 * overlaps it: a quarterly return for April to June is in {@code 2025-05}, so is the annual return for that year.
 */
public record PeriodRange(YearMonth from, YearMonth to) {

  private static final Pattern SYNTAX = Pattern.compile("(\\d{4}-\\d{2})(?:\\.\\.(\\d{4}-\\d{2}))?");

  public PeriodRange {
    if (from.isAfter(to)) {
      throw new IllegalArgumentException("--period: " + from + " is after " + to);
    }
  }

  /** Parses {@code YYYY-MM} or {@code YYYY-MM..YYYY-MM}; anything else is refused with the expected form. */
  public static PeriodRange parse(String text) {
    Matcher m = SYNTAX.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("--period must be YYYY-MM or YYYY-MM..YYYY-MM, e.g. 2025-04..2025-06: '" + text + "'");
    }
    try {
      YearMonth from = YearMonth.parse(m.group(1));
      YearMonth to = m.group(2) == null ? from : YearMonth.parse(m.group(2));
      return new PeriodRange(from, to);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("--period: not a month: '" + text + "'", e);
    }
  }

  public LocalDate firstDay() {
    return from.atDay(1);
  }

  public LocalDate lastDay() {
    return to.atEndOfMonth();
  }

  /** Whether a period from {@code start} to {@code end} (inclusive) shares at least a day with this range. */
  public boolean overlaps(LocalDate start, LocalDate end) {
    LocalDate e = end == null ? start : end;
    return !start.isAfter(lastDay()) && !e.isBefore(firstDay());
  }

  public String label() {
    return from.equals(to) ? from.toString() : from + " to " + to;
  }
}
