package org.carelake.transforms.quality;

import java.util.Objects;

/**
 * One dataset check: a code, the data it reads, how serious a failure is, what it expects in plain words, and the
 * Deequ rule that decides it. Declared in {@link DatasetChecks}.
 */
public record DatasetCheck(String code, Source source, Severity severity, String description, Deequ.Rule rule) {

  public DatasetCheck {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(rule, "rule");
  }

  /** How serious a failure is; neither stops the build (see {@link DatasetCheckRunner}). */
  public enum Severity {
    ERROR, WARNING;

    public String code() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * What a check reads: a whole table, or a named query over it (e.g. the locations of the latest CQC snapshot). Checks
   * on the same source run together in one Deequ run; {@link #dataset()} names the source in the metrics history.
   */
  public record Source(String table, String view, String sql) {

    public Source {
      Objects.requireNonNull(table, "table");
      if ((view == null) != (sql == null)) {
        throw new IllegalArgumentException("a view needs both a name and its SQL");
      }
    }

    public static Source table(String table) {
      return new Source(table, null, null);
    }

    public static Source view(String table, String view, String sql) {
      return new Source(table, view, sql);
    }

    public String dataset() {
      return view == null ? table : table + ":" + view;
    }
  }
}
