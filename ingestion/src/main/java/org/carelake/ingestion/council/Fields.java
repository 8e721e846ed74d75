package org.carelake.ingestion.council;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.carelake.ingestion.CqcIds;
import org.carelake.ingestion.IsoDates;

/**
 * The values of one row by column name (trimmed; a blank cell is a missing value, never zero), with the checks the
 * data contracts ask of them. Each check returns the value in its canonical form or throws the {@link RowProblem}.
 */
final class Fields {

  private final Map<String, String> values;

  Fields(Map<String, String> values) {
    this.values = values;
  }

  String text(String column) {
    String v = values.get(column);
    return v == null ? "" : v.trim();
  }

  boolean blank(String column) {
    return text(column).isEmpty();
  }

  String required(String column) {
    String v = text(column);
    if (v.isEmpty()) {
      throw new RowProblem("missing_value", column + " is empty");
    }
    return v;
  }

  /** The value, or null when blank. */
  String optional(String column) {
    String v = text(column);
    return v.isEmpty() ? null : v;
  }

  /** A CQC provider or location ID; {@code what} is "provider" or "location". */
  String cqcId(String column, String what, boolean required) {
    String v = required ? required(column) : optional(column);
    if (v != null && !CqcIds.isCqcId(v)) {
      String example = what.equals("provider") ? "1-101641521" : "1-10024040008";
      throw new RowProblem("invalid_id", column + " '" + v + "' is not a CQC " + what + " ID (like " + example + ")");
    }
    return v;
  }

  /**
   * One of the given values, matched without regard to case, and to spaces, hyphens or underscores between words
   * ("Requires Improvement", "enhanced monitoring"); returned in its canonical spelling.
   */
  String oneOf(String column, List<String> accepted, String rule, boolean required) {
    String v = required ? required(column) : optional(column);
    if (v == null) {
      return null;
    }
    String wanted = loose(v);
    for (String a : accepted) {
      if (loose(a).equals(wanted)) {
        return a;
      }
    }
    throw new RowProblem(rule, column + " '" + v + "' is not one of " + accepted);
  }

  private static String loose(String s) {
    return s.trim().toLowerCase(Locale.ROOT).replaceAll("[\\s_-]+", " ");
  }

  /** An ISO date (YYYY-MM-DD), or null when blank and not required. */
  LocalDate date(String column, boolean required) {
    String v = required ? required(column) : optional(column);
    if (v == null) {
      return null;
    }
    LocalDate d = IsoDates.parseOrNull(v);
    if (d == null) {
      throw new RowProblem("invalid_date", column + " '" + v + "' must be a date as YYYY-MM-DD" + (required ? "" : " or blank"));
    }
    return d;
  }

  /** A Y/N flag (either case), as "Y" or "N". */
  String flag(String column) {
    String v = required(column);
    if (v.equalsIgnoreCase("Y")) {
      return "Y";
    }
    if (v.equalsIgnoreCase("N")) {
      return "N";
    }
    throw new RowProblem("invalid_flag", column + " '" + v + "' must be Y or N");
  }

  /** A non-negative whole number, or null when blank. */
  Integer count(String column) {
    String v = optional(column);
    if (v == null) {
      return null;
    }
    if (v.matches("-[0-9]+")) {
      throw new RowProblem("invalid_number", column + " " + v + " is negative");
    }
    if (!v.matches("\\+?[0-9]{1,9}")) {
      throw new RowProblem("invalid_number", column + " '" + v + "' must be a whole number, 0 or more");
    }
    return Integer.valueOf(v.startsWith("+") ? v.substring(1) : v);
  }
}
