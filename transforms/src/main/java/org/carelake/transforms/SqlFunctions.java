package org.carelake.transforms;

import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/** The few functions SQL models need that Spark SQL 3.5 cannot define in SQL itself. */
public final class SqlFunctions {

  private SqlFunctions() {}

  public static void register(SparkSession spark) {
    spark.udf().register("geo_key", (UDF1<String, String>) SqlFunctions::geoKey, DataTypes.StringType);
  }

  /**
   * The key two spellings of one council or region name share: "Bristol, City of" and "Bristol", "St. Helens" and
   * "St Helens", "South East (ADASS Region)" and "South East", "Yorkshire &amp; Humberside" and "yorkshire and humberside".
   */
  public static String geoKey(String name) {
    if (name == null) {
      return null;
    }
    String s = name.toLowerCase(Locale.ROOT).trim();
    s = s.replaceAll("\\s*\\(adass region\\)\\s*$", "");
    s = s.replaceAll(",\\s*(city|county) of\\s*$", "");
    s = s.replace("&", " and ");
    s = s.replaceAll("[^a-z0-9]+", " ").trim();
    return s.isEmpty() ? null : s;
  }
}
