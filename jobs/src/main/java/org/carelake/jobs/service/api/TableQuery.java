package org.carelake.jobs.service.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.schema.ColumnSpec;
import org.carelake.schema.TableContract;
import org.carelake.schema.TableSnapshots;
import org.carelake.schema.TableSnapshots.TableSnapshot;
import org.carelake.jobs.config.MaintenanceProperties;
import org.carelake.jobs.service.Lakehouse;
import org.springframework.stereotype.Service;

/**
 * One page of a served table, filtered and sorted, read from one Iceberg snapshot: the current one, or the one an
 * {@code asOf} names, so the same request with the same {@code asOf} always gives the same answer. Filter values are
 * bound as SQL parameters and column names are checked against the table's contract, so nothing a client sends
 * becomes SQL text.
 */
@Service
public class TableQuery {

  public static final int MAX_PAGE_SIZE = 1000;

  /** One column filter: equal to any of {@code values}, and/or within [from, to]. */
  public record Filter(String column, List<String> values, String from, String to) {}

  /** What a client asked for. {@code sort}: column names, each optionally {@code ,desc} or prefixed with {@code -}. */
  public record Request(String table, List<Filter> filters, List<String> sort, int page, int size, String asOf) {}

  /** One column of the answer. */
  public record Column(String name, String type, String description) {}

  /** The answer, naming the snapshot it was read from. */
  public record Page(String table, Long snapshotId, Instant snapshotCommittedAt, String asOf, int page, int size, long totalRows,
      long totalPages, List<Column> columns, List<JsonNode> rows) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Lakehouse lakehouse;
  private final ServedTables tables;
  private final MaintenanceProperties maintenance;

  public TableQuery(Lakehouse lakehouse, ServedTables tables, MaintenanceProperties maintenance) {
    this.lakehouse = lakehouse;
    this.tables = tables;
    this.maintenance = maintenance;
  }

  /** The retention in words, with the oldest snapshot kept: what a request for an expired snapshot needs to know. */
  private String retention(TableSnapshots snapshots, TableContract contract) {
    String oldest = snapshots.oldest(contract.table()).map(o -> "; the oldest kept is " + o.snapshotId() + " of " + o.committedAt()).orElse("");
    return "snapshots older than " + maintenance.describe() + ", are expired by `carelake maintain`" + oldest;
  }

  /** The snapshot a request would read. */
  public TableSnapshot snapshot(TableContract contract, String asOf) {
    TableSnapshots snapshots = new TableSnapshots(lakehouse.spark());
    if (asOf == null || asOf.isBlank()) {
      return snapshots.current(contract.table()).orElseThrow(() -> new NotFoundException(contract.name() + " has not been built yet: run `carelake build`"));
    }
    AsOf when = AsOf.parse(asOf);
    if (when.snapshotId() != null) {
      return snapshots.byId(contract.table(), when.snapshotId())
          .orElseThrow(() -> new NotFoundException(contract.name() + " has no snapshot " + when.snapshotId()
              + ": either it was expired (" + retention(snapshots, contract) + ") or it is another table's; see GET /api/v1/tables/"
              + contract.name() + "/snapshots"));
    }
    return snapshots.asOf(contract.table(), when.time()).orElseThrow(() -> snapshots.oldest(contract.table())
        .filter(oldest -> when.time().isBefore(oldest.committedAt()))
        .map(oldest -> new NotFoundException(contract.name() + " has no snapshot at " + when.time() + ": time travel reaches back to "
            + oldest.committedAt() + " only (" + retention(snapshots, contract) + ")"))
        .orElseGet(() -> new NotFoundException(contract.name() + " had not been built at " + when.time())));
  }

  public Page query(Request r) {
    TableContract contract = tables.find(r.table()).orElseThrow(() -> new NotFoundException("no table " + r.table() + "; served: " + tables.names()));
    return query(contract, r);
  }

  /** A page of any warehouse table with a contract (the portal's own views use this with the provider's filter). */
  public Page query(TableContract contract, Request r) {
    if (r.page() < 0 || r.size() < 1 || r.size() > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException("page must be >= 0 and size between 1 and " + MAX_PAGE_SIZE);
    }
    if ((r.asOf() == null || r.asOf().isBlank()) && lakehouse.spark().catalog().tableExists(contract.table())
        && new TableSnapshots(lakehouse.spark()).current(contract.table()).isEmpty()) {
      // created but never written (e.g. no upload yet): an empty answer, not an error
      return new Page(contract.name(), null, null, null, r.page(), r.size(), 0, 0, columns(contract), List.of());
    }
    TableSnapshot snap = snapshot(contract, r.asOf());
    Map<String, ColumnSpec> columns = new LinkedHashMap<>();
    contract.columns().forEach(c -> columns.put(c.name(), c));

    List<String> where = new ArrayList<>();
    Map<String, Object> args = new LinkedHashMap<>();
    for (Filter f : r.filters()) {
      ColumnSpec c = column(columns, f.column(), contract);
      if (!f.values().isEmpty()) {
        List<String> names = new ArrayList<>();
        for (String v : f.values()) {
          String p = "p" + args.size();
          args.put(p, typed(c, v));
          names.add(":" + p);
        }
        where.add("`" + c.name() + "` IN (" + String.join(", ", names) + ")");
      }
      if (f.from() != null) {
        String p = "p" + args.size();
        args.put(p, typed(c, f.from()));
        where.add("`" + c.name() + "` >= :" + p);
      }
      if (f.to() != null) {
        String p = "p" + args.size();
        args.put(p, typed(c, f.to()));
        where.add("`" + c.name() + "` <= :" + p);
      }
    }
    List<String> order = new ArrayList<>();
    for (String s : r.sort()) {
      boolean desc = s.startsWith("-") || s.toLowerCase(java.util.Locale.ROOT).endsWith(",desc");
      String name = s.replaceFirst("^-", "").replaceFirst("(?i),(asc|desc)$", "");
      order.add("`" + column(columns, name, contract).name() + "`" + (desc ? " DESC" : " ASC"));
    }
    contract.key().stream().map(k -> "`" + k + "` ASC").filter(k -> !order.contains(k)).forEach(order::add);

    String from = contract.table() + " VERSION AS OF " + snap.snapshotId()
        + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where));
    SparkSession spark = lakehouse.spark();
    long total = spark.sql("SELECT count(*) FROM " + from, args).first().getLong(0);
    String select = "SELECT to_json(struct(*), map('ignoreNullFields', 'false')) FROM (SELECT * FROM " + from
        + " ORDER BY " + String.join(", ", order) + " LIMIT " + r.size() + " OFFSET " + ((long) r.page() * r.size()) + ")";
    List<JsonNode> rows = new ArrayList<>();
    for (Row row : spark.sql(select, args).collectAsList()) {
      try {
        rows.add(JSON.readTree(row.getString(0)));
      } catch (java.io.IOException e) {
        throw new IllegalStateException("unreadable row JSON from Spark: " + e.getMessage(), e);
      }
    }
    return new Page(contract.name(), snap.snapshotId(), snap.committedAt(), r.asOf(), r.page(), r.size(), total,
        (total + r.size() - 1) / r.size(), columns(contract), rows);
  }

  private static List<Column> columns(TableContract contract) {
    return contract.columns().stream().map(c -> new Column(c.name(), c.type(), c.description())).toList();
  }

  /** One committed state of a table, newest first. */
  public record SnapshotInfo(long snapshotId, Instant committedAt, String operation, Long totalRecords) {}

  public List<SnapshotInfo> snapshots(String table) {
    TableContract contract = tables.find(table).orElseThrow(() -> new NotFoundException("no table " + table + "; served: " + tables.names()));
    if (!lakehouse.spark().catalog().tableExists(contract.table())) {
      throw new NotFoundException(contract.name() + " has not been built yet: run `carelake build`");
    }
    List<SnapshotInfo> out = new ArrayList<>();
    for (Row row : lakehouse.spark().sql("SELECT snapshot_id, committed_at, operation, summary['total-records'] FROM " + contract.table()
        + ".snapshots ORDER BY committed_at DESC").collectAsList()) {
      out.add(new SnapshotInfo(row.getLong(0), row.getTimestamp(1).toInstant(), row.getString(2), row.isNullAt(3) ? null : Long.parseLong(row.getString(3))));
    }
    return out;
  }

  private static ColumnSpec column(Map<String, ColumnSpec> columns, String name, TableContract contract) {
    ColumnSpec c = columns.get(name);
    if (c == null) {
      throw new IllegalArgumentException(contract.name() + " has no column " + name + "; columns: " + columns.keySet());
    }
    return c;
  }

  /** The value as the column's type, so a wrong value is a clear 400 rather than a silent empty answer. */
  static Object typed(ColumnSpec c, String v) {
    String type = c.type().toLowerCase(java.util.Locale.ROOT);
    try {
      if (type.equals("int") || type.equals("integer") || type.equals("bigint") || type.equals("smallint")) {
        return Long.parseLong(v.strip());
      }
      if (type.equals("double") || type.equals("float") || type.startsWith("decimal")) {
        return new BigDecimal(v.strip());
      }
      if (type.equals("boolean")) {
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
          throw new IllegalArgumentException("not true or false");
        }
        return Boolean.parseBoolean(v);
      }
      if (type.equals("date")) {
        return java.sql.Date.valueOf(LocalDate.parse(v.strip()));
      }
      if (type.equals("timestamp")) {
        return v.length() == 10 ? Timestamp.valueOf(LocalDate.parse(v).atStartOfDay()) : Timestamp.valueOf(LocalDateTime.parse(v.strip()));
      }
      if (type.equals("string")) {
        return v;
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(c.name() + "=" + v + " is not a valid " + c.type() + " (" + e.getMessage() + ")");
    }
    throw new IllegalArgumentException(c.name() + " is a " + c.type() + " column and cannot be filtered");
  }

  /** A table or snapshot that does not exist: 404. */
  public static class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
      super(Objects.requireNonNull(message));
    }
  }
}
