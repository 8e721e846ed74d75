package org.carelake.ingestion.generate;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import org.carelake.ingestion.returns.Measure;

/** Parsing of return values as the data contract types them (count, hours, percent, date, flag). */
final class ReturnValues {

  private static final Pattern COUNT = Pattern.compile("[0-9]+");
  private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]+)?");
  private static final Pattern SIGNED = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
  private static final Pattern ISO_DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");

  private ReturnValues() {}

  static boolean blank(String v) {
    return v == null || v.isBlank();
  }

  /** The value as a number when it is a valid value of a numeric measure (count, hours, percent), else null. */
  static Double number(Measure m, String v) {
    if (blank(v) || !isValid(m, v)) {
      return null;
    }
    return switch (m.unit()) {
      case "count", "hours", "percent", "flag" -> new BigDecimal(v.trim()).doubleValue();
      default -> null;
    };
  }

  /** Whether a non-blank value is of the measure's type and range. */
  static boolean isValid(Measure m, String v) {
    String s = v.trim();
    switch (m.unit()) {
      case "count" -> {
        return COUNT.matcher(s).matches();
      }
      case "hours" -> {
        return DECIMAL.matcher(s).matches();
      }
      case "percent" -> {
        if (!SIGNED.matcher(s).matches()) {
          return false;
        }
        BigDecimal d = new BigDecimal(s);
        return d.signum() >= 0 && d.compareTo(BigDecimal.valueOf(100)) <= 0;
      }
      case "date" -> {
        if (!ISO_DATE.matcher(s).matches()) {
          return false;
        }
        try {
          LocalDate.parse(s);
          return true;
        } catch (DateTimeParseException e) {
          return false;
        }
      }
      case "flag" -> {
        return s.equals("0") || s.equals("1");
      }
      default -> {
        return true;
      }
    }
  }

  /** Numeric units that the generator keeps smooth from one period to the next. */
  static boolean isQuantity(Measure m) {
    return m.unit().equals("count") || m.unit().equals("hours") || m.unit().equals("percent");
  }

  /**
   * Units the order-of-magnitude rule (HA01 in dq/submission_finding) judges: counts and hours. A percentage is
   * bounded, and a rate that moves from 0 to 40 (no leavers last year, some this year) is not an extra digit.
   */
  static boolean isJumpJudged(Measure m) {
    return m.unit().equals("count") || m.unit().equals("hours");
  }
}
