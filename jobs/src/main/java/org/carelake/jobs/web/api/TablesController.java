package org.carelake.jobs.web.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.enums.ParameterStyle;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.carelake.jobs.service.api.ServedTables;
import org.carelake.jobs.service.api.TableQuery;
import org.carelake.schema.TableContract;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The marts and data-quality tables, paged and filtered, each answer naming the Iceberg snapshot it was read from. */
@RestController
@RequestMapping("/api/v1/tables")
@Tag(name = "Tables", description = "Marts (ratings benchmark, location ratings, KPI compliance, submission quality, provider data quality, "
    + "critical failures, risk ranking, visit schedule, safeguarding trends, contract actions, market overview) and data-quality tables")
public class TablesController {

  private static final Set<String> RESERVED = Set.of("page", "size", "sort", "asOf", "format");

  private final ServedTables tables;
  private final TableQuery query;

  public TablesController(ServedTables tables, TableQuery query) {
    this.tables = tables;
    this.query = query;
  }

  /** A served table's contract. */
  public record TableInfo(String name, String table, String description, String grain, List<String> key, List<TableQuery.Column> columns) {}

  @GetMapping
  @Operation(summary = "The tables served, with grain, key and columns (the contract each is built and checked against)")
  public List<TableInfo> list() {
    return tables.all().stream().map(TablesController::info).toList();
  }

  @GetMapping("/{table}")
  @Operation(summary = "One page of a table, filtered and sorted, from its current snapshot or the one asOf names",
      description = "Any column is a filter: `?service_type=care_home` (repeat for any of several values), `?period_start.from=2025-04-01` and "
          + "`?period_start.to=2025-06-30` for a range. The answer names the snapshot it was read from (`snapshotId`); the same request with "
          + "`asOf=<snapshotId>` reproduces it exactly, and `asOf=<date or date-time>` reads the table as it was then (a date means the end of "
          + "that day, UK time). `format=csv` returns the page as CSV.")
  public ResponseEntity<?> page(
      @PathVariable @Parameter(description = "short name, e.g. mart_kpi_compliance; see GET /api/v1/tables") String table,
      @RequestParam(defaultValue = "0") @Parameter(description = "0-based page") int page,
      @RequestParam(defaultValue = "100") @Parameter(description = "rows per page, at most 1000") int size,
      @RequestParam(name = "sort", required = false) @Parameter(description = "column, `column,desc` or `-column`; repeatable; the table's key breaks ties") List<String> sortParam,
      @RequestParam(required = false) @Parameter(description = "snapshot id, date (end of day, UK time) or ISO date-time") String asOf,
      @RequestParam(required = false) @Parameter(schema = @Schema(allowableValues = {"json", "csv"})) String format,
      @Parameter(in = ParameterIn.QUERY, name = "filters", style = ParameterStyle.FORM, explode = io.swagger.v3.oas.annotations.enums.Explode.TRUE,
          schema = @Schema(type = "object"), description = "column=value, column.from=value, column.to=value")
      @RequestParam MultiValueMap<String, String> params) {
    // the raw values: Spring would split "period_start,desc" into two
    List<String> sort = params.getOrDefault("sort", List.of());
    TableQuery.Page result = query.query(new TableQuery.Request(table, filters(params), sort, page, size, asOf));
    if ("csv".equalsIgnoreCase(format)) {
      return ResponseEntity.ok()
          .contentType(new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8))
          .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + result.table() + "-" + result.snapshotId() + ".csv\"")
          .header("X-Carelake-Snapshot-Id", String.valueOf(result.snapshotId()))
          .body(SafeCsv.write(result));
    }
    return ResponseEntity.ok().header("X-Carelake-Snapshot-Id", String.valueOf(result.snapshotId())).body(result);
  }

  @GetMapping("/{table}/snapshots")
  @Operation(summary = "The table's snapshots, newest first: any of them can be read back with asOf")
  public List<TableQuery.SnapshotInfo> snapshots(@PathVariable String table) {
    return query.snapshots(table);
  }

  public static List<TableQuery.Filter> filters(MultiValueMap<String, String> params) {
    Map<String, List<String>> eq = new LinkedHashMap<>();
    Map<String, String[]> range = new LinkedHashMap<>();
    for (var e : params.entrySet()) {
      String k = e.getKey();
      if (RESERVED.contains(k)) {
        continue;
      }
      if (k.endsWith(".from") || k.endsWith(".to")) {
        String col = k.substring(0, k.lastIndexOf('.'));
        String[] r = range.computeIfAbsent(col, c -> new String[2]);
        r[k.endsWith(".from") ? 0 : 1] = e.getValue().get(e.getValue().size() - 1);
      } else {
        eq.computeIfAbsent(k, c -> new ArrayList<>()).addAll(e.getValue());
      }
    }
    List<TableQuery.Filter> out = new ArrayList<>();
    eq.forEach((c, v) -> out.add(new TableQuery.Filter(c, v, null, null)));
    range.forEach((c, r) -> out.add(new TableQuery.Filter(c, List.of(), r[0], r[1])));
    return out;
  }

  static TableInfo info(TableContract c) {
    return new TableInfo(c.name(), c.table(), c.description(), c.grain(), c.key(),
        c.columns().stream().map(col -> new TableQuery.Column(col.name(), col.type(), col.description())).toList());
  }
}
