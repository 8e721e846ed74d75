package org.carelake.transforms;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.carelake.schema.ColumnSpec;
import org.carelake.schema.TableContract;

/**
 * Makes a model's table match its contract before the model writes its rows: created when absent; otherwise columns
 * added, dropped or retyped as the contract now says, every column optional (the contract checks say which must not be
 * null; a required column would refuse a query whose nullability Spark cannot prove), and the table properties set,
 * among them {@code write.wap.enabled} so that a build's writes go to its audit branch.
 *
 * <p>The schema is table-wide in Iceberg, not per branch, so a contract change shows on main before the build
 * publishes: an added column reads as null, a dropped one disappears. Rows only ever change on publish.
 */
public final class ModelTables {

  /** Properties a model table has beyond its contract's. */
  public static final Map<String, String> MODEL_PROPERTIES = Map.of("write.wap.enabled", "true");

  private ModelTables() {}

  public static void ensure(SparkSession spark, TableContract contract) {
    spark.sql("CREATE NAMESPACE IF NOT EXISTS " + contract.namespace());
    if (!spark.catalog().tableExists(contract.table())) {
      spark.sql(contract.createTableSql(MODEL_PROPERTIES));
      return;
    }
    Table table = load(spark, contract.table());
    conformSchema(table, contract);
    conformPartitioning(table, contract);
    Map<String, String> wanted = new LinkedHashMap<>(contract.tableProperties());
    wanted.remove("format-version"); // set at creation; a table made by an older release may be on v1 or v2 already
    wanted.putAll(MODEL_PROPERTIES);
    Map<String, String> missing = new LinkedHashMap<>();
    wanted.forEach((k, v) -> {
      if (!v.equals(table.properties().get(k))) {
        missing.put(k, v);
      }
    });
    if (!missing.isEmpty()) {
      var update = table.updateProperties();
      missing.forEach(update::set);
      update.commit();
    }
    startAuditBranch(spark, table);
  }

  /**
   * Under write-audit-publish, the build's branch made at main's head before the first write. Left for the write to
   * make, Iceberg starts the branch's snapshot summary from zero: a table of 900,000 rows that gains 70,000 would say
   * {@code total-records} 70,000 on main after publish, and every reader of the summary (snapshot listings, run
   * history) would be told so.
   */
  private static void startAuditBranch(SparkSession spark, Table table) {
    String branch = spark.conf().getOption("spark.wap.branch").getOrElse(() -> null);
    table.refresh();
    if (branch != null && table.currentSnapshot() != null && !table.refs().containsKey(branch)) {
      table.manageSnapshots().createBranch(branch, table.currentSnapshot().snapshotId()).commit();
    }
  }

  private static void conformSchema(Table table, TableContract contract) {
    StructType have = org.apache.iceberg.spark.SparkSchemaUtil.convert(table.schema());
    Map<String, String> haveTypes = new LinkedHashMap<>();
    for (StructField f : have.fields()) {
      haveTypes.put(f.name(), f.dataType().catalogString());
    }
    Map<String, DataType> wantTypes = new LinkedHashMap<>();
    for (ColumnSpec c : contract.columns()) {
      wantTypes.put(c.name(), DataType.fromDDL(c.type()));
    }
    List<String> retyped = new ArrayList<>();
    UpdateSchema update = table.updateSchema();
    boolean changed = false;
    for (String name : haveTypes.keySet()) {
      if (!wantTypes.containsKey(name)) {
        update.deleteColumn(name);
        changed = true;
      } else if (!haveTypes.get(name).equals(wantTypes.get(name).catalogString())) {
        retyped.add(name);
      }
    }
    for (Types.NestedField required : requiredFields(table)) {
      String name = table.schema().findColumnName(required.fieldId());
      String top = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
      if (wantTypes.containsKey(top) && !retyped.contains(top)) {
        update.makeColumnOptional(name);
        changed = true;
      }
    }
    if (changed) {
      update.commit();
    }
    if (!retyped.isEmpty()) {
      // a model's rows are all rewritten, so a column whose type changed is dropped and added again, not converted
      UpdateSchema drop = table.updateSchema();
      retyped.forEach(drop::deleteColumn);
      drop.commit();
    }
    UpdateSchema add = table.updateSchema();
    boolean added = false;
    StructType now = org.apache.iceberg.spark.SparkSchemaUtil.convert(table.schema());
    List<String> present = List.of(now.fieldNames());
    for (Map.Entry<String, DataType> w : wantTypes.entrySet()) {
      if (!present.contains(w.getKey())) {
        add.addColumn(w.getKey(), org.apache.iceberg.spark.SparkSchemaUtil.convert(w.getValue()));
        added = true;
      }
    }
    if (added) {
      add.commit();
    }
  }

  /**
   * The table partitioned as the contract says (identity partitions by column name). Files already written keep their
   * old layout until the table is next rewritten whole; a sliced rebuild that meets one falls back to a whole rebuild.
   */
  private static void conformPartitioning(Table table, TableContract contract) {
    List<String> want = contract.partitionBy();
    if (want.stream().anyMatch(p -> p.contains("("))) {
      return; // a transform partitioning is set at creation only
    }
    List<String> have = table.spec().fields().stream().filter(f -> !f.transform().isVoid()).map(f -> f.name()).toList();
    if (have.equals(want)) {
      return;
    }
    org.apache.iceberg.UpdatePartitionSpec update = table.updateSpec();
    have.stream().filter(f -> !want.contains(f)).forEach(update::removeField);
    want.stream().filter(f -> !have.contains(f)).forEach(update::addField);
    update.commit();
  }

  /** Required fields at any depth, except map keys (which Iceberg keeps required). */
  private static List<Types.NestedField> requiredFields(Table table) {
    List<Types.NestedField> out = new ArrayList<>();
    collectRequired(table.schema().asStruct(), out);
    return out;
  }

  private static void collectRequired(org.apache.iceberg.types.Type type, List<Types.NestedField> out) {
    if (type.isStructType()) {
      for (Types.NestedField f : type.asStructType().fields()) {
        if (f.isRequired()) {
          out.add(f);
        }
        collectRequired(f.type(), out);
      }
    } else if (type.isListType()) {
      Types.ListType list = type.asListType();
      if (list.isElementRequired()) {
        out.add(list.fields().get(0));
      }
      collectRequired(list.elementType(), out);
    } else if (type.isMapType()) {
      Types.MapType map = type.asMapType();
      if (map.isValueRequired()) {
        out.add(map.fields().get(1));
      }
      collectRequired(map.keyType(), out);
      collectRequired(map.valueType(), out);
    }
  }

  /** The Iceberg table behind a name in the session's default catalog. */
  public static Table load(SparkSession spark, String table) {
    try {
      return Spark3Util.loadIcebergTable(spark, spark.conf().get("spark.sql.defaultCatalog") + "." + table);
    } catch (Exception e) { // ParseException / NoSuchTableException are checked, thrown from Scala
      throw new IllegalStateException("cannot load table " + table + ": " + e.getMessage(), e);
    }
  }
}
