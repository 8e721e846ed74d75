package org.carelake.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A table as code: identifier, grain, key, columns, partitioning, properties and invariants. Read from the
 * YAML file that sits beside the table's SQL (models) or under {@code tables/} (raw, ref, dq).
 */
public record TableContract(
    String table,
    String description,
    String grain,
    List<String> key,
    List<ColumnSpec> columns,
    List<String> partitionBy,
    Map<String, String> properties,
    List<Invariant> invariants) {

  public TableContract {
    Objects.requireNonNull(table, "table");
    if (table.split("\\.").length != 2) {
      throw new IllegalArgumentException("table must be <namespace>.<name>: " + table);
    }
    key = List.copyOf(key == null ? List.of() : key);
    columns = List.copyOf(columns);
    partitionBy = List.copyOf(partitionBy == null ? List.of() : partitionBy);
    properties = Map.copyOf(properties == null ? Map.of() : properties);
    invariants = List.copyOf(invariants == null ? List.of() : invariants);
    for (String k : key) {
      if (columns.stream().noneMatch(c -> c.name().equals(k))) {
        throw new IllegalArgumentException(table + ": key column " + k + " is not a column");
      }
    }
  }

  public String namespace() {
    return table.substring(0, table.indexOf('.'));
  }

  public String name() {
    return table.substring(table.indexOf('.') + 1);
  }

  public List<String> columnNames() {
    return columns.stream().map(ColumnSpec::name).toList();
  }

  /** Spark schema of the table; every column nullable at the Spark level, NOT NULL is checked by the contract. */
  public StructType sparkSchema() {
    List<StructField> fields = new ArrayList<>();
    for (ColumnSpec c : columns) {
      fields.add(new StructField(c.name(), DataType.fromDDL(c.type()), true, org.apache.spark.sql.types.Metadata.empty()));
    }
    return new StructType(fields.toArray(StructField[]::new));
  }

  /** The table properties every table gets: the contract's own on top of format v2 and zstd Parquet. */
  public Map<String, String> tableProperties() {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("format-version", "2");
    props.put("write.parquet.compression-codec", "zstd");
    props.putAll(properties);
    return props;
  }

  public String createTableSql() {
    return createTableSql(Map.of());
  }

  /** The CREATE TABLE statement, with table properties beyond the contract's (e.g. a model's write.wap.enabled). */
  public String createTableSql(Map<String, String> extraProperties) {
    String cols = columns.stream().map(c -> "`" + c.name() + "` " + c.type()
        + (c.description() == null ? "" : " COMMENT '" + c.description().replace("\\", "\\\\").replace("'", "\\'") + "'"))
        .collect(Collectors.joining(",\n  "));
    StringBuilder sql = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(table).append(" (\n  ").append(cols).append("\n) USING iceberg");
    if (!partitionBy.isEmpty()) {
      sql.append("\nPARTITIONED BY (").append(String.join(", ", partitionBy)).append(")");
    }
    Map<String, String> props = new LinkedHashMap<>();
    props.put("format-version", "2");
    props.put("write.parquet.compression-codec", "zstd");
    props.putAll(properties);
    props.putAll(extraProperties);
    sql.append("\nTBLPROPERTIES (")
        .append(props.entrySet().stream().map(e -> "'" + e.getKey() + "'='" + e.getValue() + "'").collect(Collectors.joining(", ")))
        .append(")");
    return sql.toString();
  }

  /** Reads a contract from a YAML resource on the classpath. */
  public static TableContract fromResource(String resource) {
    try (InputStream in = TableContract.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no contract resource " + resource);
      }
      return fromYaml(in, resource);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  public static TableContract fromYaml(InputStream in, String origin) {
    Map<String, Object> y = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
    if (y == null) {
      throw new IllegalArgumentException(origin + ": empty contract");
    }
    List<ColumnSpec> columns = new ArrayList<>();
    for (Object o : (List<Object>) y.getOrDefault("columns", List.of())) {
      Map<String, Object> c = (Map<String, Object>) o;
      columns.add(new ColumnSpec(
          (String) c.get("name"),
          String.valueOf(c.get("type")),
          !Boolean.FALSE.equals(c.get("nullable")),
          (String) c.get("description"),
          c.get("accepted_values") == null ? List.of()
              : ((List<Object>) c.get("accepted_values")).stream().map(String::valueOf).toList()));
    }
    List<Invariant> invariants = new ArrayList<>();
    for (Object o : (List<Object>) y.getOrDefault("invariants", List.of())) {
      Map<String, Object> i = (Map<String, Object>) o;
      invariants.add(new Invariant((String) i.get("name"), (String) i.get("expression")));
    }
    Map<String, String> props = new LinkedHashMap<>();
    ((Map<String, Object>) y.getOrDefault("properties", Map.of())).forEach((k, v) -> props.put(k, String.valueOf(v)));
    try {
      return new TableContract(
          (String) y.get("table"),
          (String) y.get("description"),
          (String) y.get("grain"),
          (List<String>) y.get("key"),
          columns,
          (List<String>) y.get("partition_by"),
          props,
          invariants);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
    }
  }
}
