package org.carelake.jobs.service;

import java.util.List;
import org.apache.spark.sql.Row;
import org.springframework.stereotype.Service;

/**
 * The headline a head of service asks for first: % of locations rated Good or Outstanding overall, each council with a
 * meaningful number of locations loaded beside its region and England, with how many locations each figure covers
 * and the published figure where one exists.
 */
@Service
public class BenchmarkHeadline {

  static final List<String> HEADER = List.of("geography", "level", "service_type", "in_scope", "rated", "pct_good_outstanding",
      "published_pct", "published_month");

  static final String QUERY = """
      WITH latest AS (SELECT max(snapshot_date) AS d FROM marts.mart_ratings_benchmark),
      b AS (
        SELECT m.* FROM marts.mart_ratings_benchmark m JOIN latest ON m.snapshot_date = latest.d
        WHERE m.key_question = 'Overall'
      ),
      councils AS (
        SELECT geography_code FROM b
        WHERE geography_level = 'local_authority' AND service_type = 'all' AND locations_in_scope >= %d
      ),
      regions AS (
        SELECT DISTINCT g.region_code FROM core.dim_geography g JOIN councils c ON g.geography_code = c.geography_code
        WHERE g.geography_level = 'local_authority'
      )
      SELECT geography_name, geography_level, service_type, locations_in_scope, rated_locations,
             pct_good_or_outstanding, published_pct_good_or_outstanding, date_format(published_period, 'yyyy-MM')
      FROM b
      WHERE (geography_level = 'local_authority' AND geography_code IN (SELECT geography_code FROM councils))
         OR (geography_level = 'region' AND geography_code IN (SELECT region_code FROM regions))
         OR geography_level = 'england'
      ORDER BY CASE geography_level WHEN 'local_authority' THEN 1 WHEN 'region' THEN 2 ELSE 3 END, geography_name,
               CASE service_type WHEN 'all' THEN 1 WHEN 'care_home' THEN 2 ELSE 3 END
      """;

  private final Lakehouse lakehouse;

  public BenchmarkHeadline(Lakehouse lakehouse) {
    this.lakehouse = lakehouse;
  }

  public String render(int minLocations) {
    List<Row> rows = lakehouse.spark().sql(String.format(QUERY, minLocations)).collectAsList();
    String snapshot = String.valueOf(lakehouse.spark().sql("SELECT max(snapshot_date) FROM marts.mart_ratings_benchmark").first().get(0));
    return "Ratings benchmark, Overall, snapshot " + snapshot
        + " (% Good or Outstanding of rated locations; in_scope = locations the loaded data covers;"
        + " published = LG Inform, care homes)\n" + TextTable.render(HEADER, rows);
  }
}
