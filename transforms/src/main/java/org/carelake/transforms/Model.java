package org.carelake.transforms;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.carelake.schema.TableContract;

/**
 * One table built by SQL: {@code models/<layer>/<name>/<name>.sql} (the query) and {@code <name>.yml} (its
 * contract), found together by the table's name.
 */
public record Model(String table, String sql, TableContract contract, Set<String> inputs, PeriodSlice.Slicing slicing) {

  /** A model built whole every time. */
  public Model(String table, String sql, TableContract contract, Set<String> inputs) {
    this(table, sql, contract, inputs, null);
  }

  private static final Pattern TODAY = Pattern.compile("(?i)\\bcurrent_date\\b");
  private static final Pattern TABLE_REF = Pattern.compile("\\b((?:raw|ref|staging|core|marts|dq)\\.[a-z_][a-z0-9_]*)\\b");

  public static Model load(String layerSlashName) {
    String name = layerSlashName.substring(layerSlashName.indexOf('/') + 1);
    String base = "models/" + layerSlashName + "/" + name;
    String sql = resource(base + ".sql");
    TableContract contract = TableContract.fromResource(base + ".yml");
    String expected = layerSlashName.replace('/', '.');
    if (!contract.table().equals(expected)) {
      throw new IllegalStateException(base + ".yml declares " + contract.table() + ", expected " + expected);
    }
    Set<String> inputs = inputsOf(sql, contract.table());
    return new Model(contract.table(), sql, contract, inputs, slicingOf(base + ".yml", contract, inputs));
  }

  /**
   * The contract's {@code incremental:} section, if any: {@code sliced_input} (the input whose appended rows say which
   * periods to rebuild), {@code slice_by: [group column, period column]} and {@code key_implies_slice}.
   */
  @SuppressWarnings("unchecked")
  static PeriodSlice.Slicing slicingOf(String resource, TableContract contract, Set<String> inputs) {
    Map<String, Object> y = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(new org.yaml.snakeyaml.LoaderOptions()))
        .load(resource(resource));
    Object section = y.get("incremental");
    if (section == null) {
      return null;
    }
    Map<String, Object> inc = (Map<String, Object>) section;
    String input = (String) inc.get("sliced_input");
    List<String> by = (List<String>) inc.get("slice_by");
    if (input == null || !inputs.contains(input) || by == null || by.size() != 2 || !contract.columnNames().containsAll(by)) {
      throw new IllegalStateException(resource + ": incremental needs sliced_input (one of the tables the SQL reads, " + inputs
          + ") and slice_by: [group column, period column] among the contract's columns; got " + inc);
    }
    return new PeriodSlice.Slicing(input, by.get(0), by.get(1), Boolean.TRUE.equals(inc.get("key_implies_slice")));
  }

  /**
   * A digest of what the model is: its query and its contract (columns, key, partitioning, properties, invariants). A
   * build whose model changed must rebuild it even when its inputs did not.
   */
  public String fingerprint() {
    String canonical = sql + "\n" + (slicing == null ? "" : slicing + "|") + contract.table() + "|" + contract.key() + "|" + contract.columns() + "|" + contract.partitionBy() + "|"
        + new java.util.TreeMap<>(contract.properties()) + "|" + contract.invariants();
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Whether the query reads today's date ({@code current_date()}): its rows can change from one day to the next with no
   * input changed. (A {@code current_timestamp()} stamps when a build made a row; a row kept from an earlier build keeps
   * that build's stamp, which is what it means.)
   */
  public boolean readsTodaysDate() {
    return TODAY.matcher(stripComments(sql)).find();
  }

  static Set<String> inputsOf(String sql, String self) {
    Set<String> refs = new TreeSet<>();
    Matcher m = TABLE_REF.matcher(stripComments(sql));
    while (m.find()) {
      if (!m.group(1).equals(self)) {
        refs.add(m.group(1));
      }
    }
    return refs;
  }

  private static String stripComments(String sql) {
    return sql.replaceAll("(?m)--.*$", "").replaceAll("(?s)/\\*.*?\\*/", "");
  }

  private static String resource(String path) {
    try (InputStream in = Model.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no model resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
