package org.carelake.ingestion.returns;

import java.time.LocalDate;
import java.time.Month;

/** The period shapes of the data contract: calendar month, calendar quarter, financial year (1 April to 31 March). */
public final class ReturnPeriod {

  public static final java.util.List<String> RETURN_TYPES = java.util.List.of("monthly", "quarterly", "annual");

  private ReturnPeriod() {}

  /** The end of the period of this type starting on {@code start}, or null when no such period starts then. */
  public static LocalDate endFor(String returnType, LocalDate start) {
    return switch (returnType) {
      case "monthly" -> start.getDayOfMonth() == 1 ? start.plusMonths(1).minusDays(1) : null;
      case "quarterly" -> start.getDayOfMonth() == 1 && (start.getMonthValue() - 1) % 3 == 0 ? start.plusMonths(3).minusDays(1) : null;
      case "annual" -> start.getDayOfMonth() == 1 && start.getMonth() == Month.APRIL ? start.plusYears(1).minusDays(1) : null;
      default -> null;
    };
  }

  /** The start of the period of this type that contains {@code day}. */
  public static LocalDate startContaining(String returnType, LocalDate day) {
    return switch (returnType) {
      case "monthly" -> day.withDayOfMonth(1);
      case "quarterly" -> day.withDayOfMonth(1).withMonth(((day.getMonthValue() - 1) / 3) * 3 + 1);
      case "annual" -> LocalDate.of(day.getMonthValue() >= 4 ? day.getYear() : day.getYear() - 1, 4, 1);
      default -> throw new IllegalArgumentException("return type must be one of " + RETURN_TYPES + ": " + returnType);
    };
  }

  /** Default due dates: monthly by the 10th, quarterly by the 15th of the month after; annual by 30 April. */
  public static LocalDate dueDate(String returnType, LocalDate periodEnd) {
    LocalDate next = periodEnd.plusMonths(1);
    return switch (returnType) {
      case "monthly" -> next.withDayOfMonth(10);
      case "quarterly" -> next.withDayOfMonth(15);
      case "annual" -> next.withDayOfMonth(30);
      default -> throw new IllegalArgumentException(returnType);
    };
  }
}
