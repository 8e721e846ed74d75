package org.carelake.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Spark SQL to DuckDB SQL with SQLGlot, through {@code bench/spark_to_duckdb.py}. The pinned SQLGlot
 * ({@code bench/requirements.txt}) is installed once into {@code <benchHome>/venv} (python3 -m venv, pip install
 * -r), reinstalled when the requirements change, like {@code dashboards/bin/dashboards} does for Superset.
 */
public final class SqlTranslator {

  /** One model's translation: DuckDB SQL, or why SQLGlot could not translate it. */
  public record Translation(String table, String sql, String error) {
    public boolean ok() {
      return error == null;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path benchHome;
  private final String python;

  /** @param benchHome e.g. {@code <home>/bench}: the venv and the extracted script live there */
  public SqlTranslator(Path benchHome) {
    this(benchHome, System.getenv().getOrDefault("CARELAKE_PYTHON", "python3"));
  }

  public SqlTranslator(Path benchHome, String python) {
    this.benchHome = benchHome;
    this.python = python;
  }

  /** @param sparkSql {@code table -> Spark SQL}, in build order; the answer keeps the order */
  public Map<String, Translation> translate(Map<String, String> sparkSql) {
    Path venvPython = ensureVenv();
    try {
      Path script = extract("spark_to_duckdb.py");
      byte[] input = JSON.writeValueAsBytes(sparkSql);
      String out = run(List.of(venvPython.toString(), script.toString()), input, 300);
      JsonNode tree = JSON.readTree(out);
      Map<String, Translation> result = new LinkedHashMap<>();
      for (String table : sparkSql.keySet()) {
        JsonNode n = tree.get(table);
        if (n == null) {
          result.put(table, new Translation(table, null, "the translator gave no answer for " + table));
        } else if (n.has("sql")) {
          result.put(table, new Translation(table, n.get("sql").asText(), null));
        } else {
          result.put(table, new Translation(table, null, n.path("error").asText("unknown error")));
        }
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The venv's python, created and filled from the pinned requirements when missing or stale. */
  public Path ensureVenv() {
    try {
      Files.createDirectories(benchHome);
      Path requirements = extract("requirements.txt");
      Path venv = benchHome.resolve("venv");
      Path venvPython = venv.resolve("bin").resolve("python");
      Path stamp = venv.resolve(".carelake-requirements");
      String want = sha256(Files.readString(requirements));
      if (Files.isExecutable(venvPython) && Files.exists(stamp) && Files.readString(stamp).trim().equals(want)) {
        return venvPython;
      }
      run(List.of(python, "-m", "venv", "--clear", venv.toString()), new byte[0], 300);
      run(List.of(venvPython.toString(), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r",
          requirements.toString()), new byte[0], 600);
      Files.writeString(stamp, want);
      return venvPython;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path extract(String name) throws IOException {
    Path target = benchHome.resolve(name);
    String text = DuckDbRebuild.resource("bench/" + name);
    if (!Files.exists(target) || !Files.readString(target).equals(text)) {
      Files.writeString(target, text);
    }
    return target;
  }

  private static String run(List<String> command, byte[] stdin, long timeoutSeconds) throws IOException {
    Path err = Files.createTempFile("carelake-bench", ".err");
    try {
      Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
      p.getOutputStream().write(stdin);
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " timed out");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
            + Files.readString(err));
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      Files.deleteIfExists(err);
    }
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
