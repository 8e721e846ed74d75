package org.carelake.ingestion.generate;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;

/**
 * The generated window: N full calendar months ending with the last full month before the as-of date. Quarterly returns
 * cover the calendar quarters fully inside it; annual returns the financial years (April-March) that end inside it.
 */
record Window(YearMonth firstMonth, YearMonth lastMonth, LocalDate asOf) {

  static Window of(LocalDate asOf, int months) {
    if (months < 1) {
      throw new IllegalArgumentException("months must be at least 1: " + months);
    }
    YearMonth last = YearMonth.from(asOf).minusMonths(1);
    return new Window(last.minusMonths(months - 1L), last, asOf);
  }

  LocalDate start() {
    return firstMonth.atDay(1);
  }

  LocalDate end() {
    return lastMonth.atEndOfMonth();
  }

  /** The last day anything can have happened on: the day before the as-of date. */
  LocalDate lastDay() {
    return asOf.minusDays(1);
  }

  List<YearMonth> months() {
    List<YearMonth> out = new ArrayList<>();
    for (YearMonth m = firstMonth; !m.isAfter(lastMonth); m = m.plusMonths(1)) {
      out.add(m);
    }
    return out;
  }

  List<LocalDate> quarterStarts() {
    List<LocalDate> out = new ArrayList<>();
    for (YearMonth m = firstMonth; !m.plusMonths(2).isAfter(lastMonth); m = m.plusMonths(1)) {
      if ((m.getMonthValue() - 1) % 3 == 0) {
        out.add(m.atDay(1));
      }
    }
    return out;
  }

  List<LocalDate> financialYearStarts() {
    List<LocalDate> out = new ArrayList<>();
    for (YearMonth m = firstMonth; !m.isAfter(lastMonth); m = m.plusMonths(1)) {
      if (m.getMonthValue() == 3) {
        out.add(LocalDate.of(m.getYear() - 1, 4, 1));
      }
    }
    return out;
  }

  boolean contains(LocalDate d) {
    return !d.isBefore(start()) && !d.isAfter(end());
  }
}
