package org.carelake.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.carelake.jobs.bench.DuckDbRebuild.DuckDbModel;
import org.carelake.jobs.bench.SqlTranslator.Translation;
import org.carelake.transforms.SqlFunctions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark SQL of the kinds the models use, translated by the real script (SQLGlot in a venv under target/) and run by
 * DuckDbRebuild over Parquet files, against the answers Spark gives. Each snippet is one where SQLGlot's plain
 * output gives a different answer in DuckDB (checked when the rewrites were written), so a missing rewrite fails.
 */
class DuckDbRebuildTest {

  @TempDir static Path tmp;
  static Map<String, List<String>> inputs = new LinkedHashMap<>();
  static SqlTranslator translator = new SqlTranslator(Path.of("target", "bench"));

  @BeforeAll
  static void parquet() throws Exception {
    try (Connection c = DuckDbRebuild.open(tmp.resolve("seed.duckdb")); Statement s = c.createStatement()) {
      Path events = tmp.resolve("events.parquet");
      s.execute("COPY (SELECT * FROM (VALUES "
          + "(1, 'a', DATE '2024-01-31', TIMESTAMP '2024-06-30 23:30:00', 82.0::DECIMAL(18,4), 'Bristol, City of'),"
          + "(2, 'a', DATE '2024-06-02', TIMESTAMP '2024-01-15 12:00:00', 95.0::DECIMAL(18,4), 'St. Helens'),"
          + "(3, 'b', DATE '2024-06-08', TIMESTAMP '2024-01-15 12:00:00', NULL, 'South East (ADASS Region)'),"
          + "(4, 'b', NULL, NULL, 7.0::DECIMAL(18,4), ' Yorkshire & Humberside ')"
          + ") t(id, grp, d, ts, v, name)) TO '" + events + "' (FORMAT parquet)");
      inputs.put("raw.events", List.of(events.toString()));
    }
  }

  private static DuckDbRebuild.Result build(Map<String, String> spark) {
    Map<String, Translation> t = translator.translate(spark);
    List<DuckDbModel> models = new ArrayList<>();
    t.values().forEach(tr -> {
      assertThat(tr.error()).as(tr.table()).isNull();
      models.add(new DuckDbModel(tr.table(), tr.sql()));
    });
    return new DuckDbRebuild(tmp.resolve("work"), 2, "1GB").run(inputs, models);
  }

  private static List<String> rows(Path db, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DuckDbRebuild.open(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> cells = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          cells.add(String.valueOf(rs.getObject(i)));
        }
        out.add(String.join("|", cells));
      }
    }
    return out;
  }

  @Test
  void sparkSnippetsGiveSparksAnswersInDuckDb() throws Exception {
    Map<String, String> spark = new LinkedHashMap<>();
    spark.put("staging.dates", """
        select id, add_months(d, 1) as next_month, datediff(date'2024-07-01', d) as days, dayofweek(d) as dow,
               trunc(d, 'MM') as month_start, to_date(from_utc_timestamp(ts, 'Europe/London')) as local_day
        from raw.events""");
    spark.put("core.months", """
        select id, m from raw.events
        lateral view explode(sequence(trunc(d, 'MM'), add_months(trunc(d, 'MM'), 2), interval 1 month)) t as m
        where d is not null""");
    spark.put("core.groups", """
        select grp, count_if(v > 1000) as big, concat_ws(', ', sort_array(collect_list(cast(id as string)))) as ids,
               percentile(v, 0.5) as median_v, to_json(named_struct('g', grp, 'v', max(id), 'n', cast(null as string))) as j,
               size(collect_list(id)) as n
        from raw.events group by grp""");
    spark.put("core.unpivot", """
        select id, k, val from raw.events lateral view stack(2, 'grp', grp, 'name', name) s as k, val""");
    spark.put("core.geo", "select id, geo_key(name) as k from raw.events");
    spark.put("marts.broken", "select no_such_column from core.geo");
    spark.put("marts.after_broken", "select count(*) as n from marts.broken");

    DuckDbRebuild.Result r = build(spark);
    Path db = r.database();

    assertThat(rows(db, "SELECT * FROM staging.dates ORDER BY id")).containsExactly(
        // add_months keeps a DATE (Jan 31 + 1 month = Feb 29); dayofweek Sunday = 1; from_utc_timestamp reads UTC
        "1|2024-02-29|152|4|2024-01-01|2024-07-01",
        "2|2024-07-02|29|1|2024-06-01|2024-01-15",
        "3|2024-07-08|23|7|2024-06-01|2024-01-15",
        "4|null|null|null|null|null");
    assertThat(rows(db, "SELECT typeof(next_month), typeof(month_start) FROM staging.dates LIMIT 1"))
        .containsExactly("DATE|DATE");
    assertThat(rows(db, "SELECT id, m, typeof(m) FROM core.months ORDER BY id, m")).containsExactly(
        "1|2024-01-01|DATE", "1|2024-02-01|DATE", "1|2024-03-01|DATE",
        "2|2024-06-01|DATE", "2|2024-07-01|DATE", "2|2024-08-01|DATE",
        "3|2024-06-01|DATE", "3|2024-07-01|DATE", "3|2024-08-01|DATE");
    // count_if of nothing true is 0 (DuckDB's own gives NULL when every value is NULL); concat_ws joins the array;
    // percentile interpolates (88.5, not 82); to_json leaves out NULL fields
    assertThat(rows(db, "SELECT grp, big, ids, median_v, j, n FROM core.groups ORDER BY grp")).containsExactly(
        "a|0|1, 2|88.5|{\"g\":\"a\",\"v\":2}|2",
        "b|0|3, 4|7.0|{\"g\":\"b\",\"v\":4}|2");
    assertThat(rows(db, "SELECT id, k, val FROM core.unpivot WHERE id = 1 ORDER BY k"))
        .containsExactly("1|grp|a", "1|name|Bristol, City of");

    List<String> names = List.of("Bristol, City of", "St. Helens", "South East (ADASS Region)", " Yorkshire & Humberside ");
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      expected.add((i + 1) + "|" + SqlFunctions.geoKey(names.get(i)));
    }
    assertThat(rows(db, "SELECT id, k FROM core.geo ORDER BY id")).containsExactlyElementsOf(expected);

    assertThat(r.failed()).extracting(DuckDbRebuild.ModelRun::table).containsExactly("marts.broken", "marts.after_broken");
    assertThat(r.failed().get(0).error()).get().asString().contains("no_such_column");
    assertThat(r.models()).filteredOn(DuckDbRebuild.ModelRun::ok).extracting(DuckDbRebuild.ModelRun::rows)
        .containsExactly(4L, 9L, 2L, 8L, 4L);
  }

  /** A model DuckDB cannot build is replaced by Spark's table, so the models after it still run (and count). */
  @Test
  void sparksTableStandsInForAModelDuckDbCannotBuild() throws Exception {
    Path sparks = tmp.resolve("sparks-broken.parquet");
    try (Connection c = DuckDbRebuild.open(tmp.resolve("spark-side.duckdb")); Statement s = c.createStatement()) {
      s.execute("COPY (SELECT * FROM (VALUES ('a', 10), ('b', 20), ('b', 5)) t(grp, n)) TO '" + sparks + "' (FORMAT parquet)");
    }
    Map<String, Translation> t = translator.translate(new LinkedHashMap<>(Map.of(
        "core.broken", "select grp, no_such_column as n from raw.events")));
    List<DuckDbModel> models = List.of(new DuckDbModel("core.broken", t.get("core.broken").sql()),
        new DuckDbModel("marts.after", "SELECT grp, sum(n) AS total FROM core.broken GROUP BY grp"),
        new DuckDbModel("marts.no_stand_in", "SELECT no_such_column FROM raw.events"),
        new DuckDbModel("marts.after_no_stand_in", "SELECT count(*) AS n FROM marts.no_stand_in"));

    DuckDbRebuild.Result r = new DuckDbRebuild(tmp.resolve("stand-in"), 2, "1GB")
        .run(inputs, models, Map.of("core.broken", List.of(sparks.toString())));

    assertThat(r.failed()).extracting(DuckDbRebuild.ModelRun::table).containsExactly("core.broken", "marts.no_stand_in", "marts.after_no_stand_in");
    assertThat(r.failed()).extracting(DuckDbRebuild.ModelRun::fromSpark).containsExactly(true, false, false);
    assertThat(r.built()).extracting(DuckDbRebuild.ModelRun::table).containsExactly("marts.after");
    assertThat(rows(r.database(), "SELECT grp, total FROM marts.after ORDER BY grp")).containsExactly("a|10", "b|25");
  }

  /** A rewrite for speed, not meaning: the same answer as Spark, counted without a list per row. */
  @Test
  void sizeOfCollectSetOverAWindowIsCountedDistinct() throws Exception {
    Map<String, String> spark = new LinkedHashMap<>();
    spark.put("staging.versions", """
        select id, size(collect_set(ts) over (partition by grp)) as versions,
               size(collect_set(grp) over ()) as groups
        from raw.events""");
    assertThat(translator.translate(spark).get("staging.versions").sql())
        .contains("COUNT(DISTINCT ts) OVER (PARTITION BY grp)")
        .doesNotContain("LIST(");

    DuckDbRebuild.Result r = build(spark);
    // group a has two distinct timestamps; group b one and a NULL, which collect_set leaves out
    assertThat(rows(r.database(), "SELECT id, versions, groups FROM staging.versions ORDER BY id"))
        .containsExactly("1|2|2", "2|2|2", "3|1|2", "4|1|2");
  }

  @Test
  void geoKeyMacroAgreesWithTheJavaUdfOnAwkwardNames() throws Exception {
    List<String> names = List.of("Bristol, City of", "Bristol", "St. Helens", "St Helens", "South East (ADASS Region)",
        "South East", "Yorkshire & Humberside", "yorkshire and humberside", "  Kingston upon Hull, City of  ",
        "Herefordshire, County of", "\tDurham\n", "---", "", "Ælfred's Town & Co.", "Brighton and Hove (adass region) ");
    Path db = tmp.resolve("geo.duckdb");
    try (Connection c = DuckDbRebuild.open(db); Statement s = c.createStatement()) {
      s.execute(DuckDbRebuild.resource("bench/macros.sql"));
      for (String n : names) {
        try (ResultSet rs = s.executeQuery("SELECT geo_key('" + DuckDbRebuild.literal(n) + "')")) {
          rs.next();
          assertThat(rs.getString(1)).as(n).isEqualTo(SqlFunctions.geoKey(n));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT geo_key(NULL)")) {
        rs.next();
        assertThat(rs.getString(1)).isNull();
      }
    }
  }

  @Test
  void comparisonFindsADifferenceAndIgnoresMapOrderAndNamedColumns() throws Exception {
    Path db = tmp.resolve("cmp.duckdb");
    Path same = tmp.resolve("same.parquet");
    Path other = tmp.resolve("other.parquet");
    try (Connection c = DuckDbRebuild.open(db); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA marts");
      s.execute("CREATE TABLE marts.a AS SELECT * FROM (VALUES (1::HUGEINT, MAP {'x': 1, 'y': 2}, now()),"
          + " (2, MAP {'z': 3}, now())) t(n, m, seen_at)");
      s.execute("CREATE TABLE marts.b AS SELECT 1 AS n");
      s.execute("COPY (SELECT * FROM (VALUES (2::BIGINT, MAP {'z': 3}, TIMESTAMPTZ '2020-01-01'),"
          + " (1, MAP {'y': 2, 'x': 1}, TIMESTAMPTZ '2020-01-01')) t(n, m, seen_at)) TO '" + same + "' (FORMAT parquet)");
      s.execute("COPY (SELECT 2 AS n) TO '" + other + "' (FORMAT parquet)");
    }
    Map<String, List<String>> spark = new LinkedHashMap<>();
    spark.put("marts.a", List.of(same.toString()));
    spark.put("marts.b", List.of(other.toString()));
    // DuckDB never built it: that table's comparison fails and says why, and the next one is still compared
    spark.put("marts.never_built", List.of(other.toString()));
    spark.put("marts.a_again", List.of(same.toString()));
    try (Connection c = DuckDbRebuild.open(db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE marts.a_again AS SELECT * FROM marts.a");
    }
    List<MartComparison.TableComparison> cmp = MartComparison.compare(db, spark, Set.of("seen_at"), "512MB");
    assertThat(cmp.get(0).matches()).as(cmp.get(0).toString()).isTrue();
    assertThat(cmp.get(0).ignoredColumns()).containsExactly("seen_at");
    assertThat(cmp.get(1).matches()).isFalse();
    assertThat(cmp.get(1).onlyInSpark()).isEqualTo(1);
    assertThat(cmp.get(1).onlyInDuckdb()).isEqualTo(1);
    assertThat(cmp.get(2).matches()).isFalse();
    assertThat(cmp.get(2).error()).contains("never_built");
    assertThat(cmp.get(3).matches()).as(cmp.get(3).toString()).isTrue();
    assertThat(cmp.get(3).sparkRows()).isEqualTo(2);
    assertThat(Files.exists(db)).isTrue();
  }
}
