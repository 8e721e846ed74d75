package org.carelake.transforms;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.carelake.schema.TableContract;

/**
 * One table built by SQL: {@code models/<layer>/<name>/<name>.sql} (the query) and {@code <name>.yml} (its
 * contract), found together by the table's name.
 */
public record Model(String table, String sql, TableContract contract, Set<String> inputs) {

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
    return new Model(contract.table(), sql, contract, inputsOf(sql, contract.table()));
  }

  /**
   * A digest of what the model is: its query and its contract (columns, key, partitioning, properties, invariants). A
   * build whose model changed must rebuild it even when its inputs did not.
   */
  public String fingerprint() {
    String canonical = sql + "\n" + contract.table() + "|" + contract.key() + "|" + contract.columns() + "|" + contract.partitionBy() + "|"
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
