package org.carelake.jobs.service.portal;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The portal's rows of the bad-input corpus manifest ({@code ingestion/src/test/resources/bad-input/cases.csv}, stream
 * {@code portal}), read from the repository root. The ingestion module's {@code BadInputCorpus} reads the whole manifest
 * and checks it against the folder; this reader is its small twin, because a test-jar of ingestion would break
 * {@code mvn -pl jobs -am surefire:test} for everyone whose local repository lacks it.
 *
 * @param uploadName the name the client sends (blank: the file's own name)
 */
record BadUploadCases(String file, String category, String whatIsWrong, boolean rejected, Set<String> expectedRules, String expectedReason,
    long rowsRead, long rowsLanded, long rowsQuarantined, String uploadName) {

  static final String GENERATED = "generated:";

  static Path repoRoot() {
    return Path.of(System.getProperty("carelake.repo.root", "..")).toAbsolutePath().normalize();
  }

  static Path corpus() {
    Path dir = repoRoot().resolve("ingestion/src/test/resources/bad-input");
    if (!Files.isRegularFile(dir.resolve("cases.csv"))) {
      throw new IllegalStateException("bad-input corpus not found at " + dir + " (carelake.repo.root=" + System.getProperty("carelake.repo.root") + ")");
    }
    return dir;
  }

  static List<BadUploadCases> portal() {
    List<BadUploadCases> out = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(corpus().resolve("cases.csv"), StandardCharsets.UTF_8)) {
      for (CSVRecord c : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r)) {
        if (!c.get("stream").equals("portal")) {
          continue;
        }
        String rules = c.get("expected_rules");
        out.add(new BadUploadCases(c.get("file"), c.get("category"), c.get("what_is_wrong"), c.get("expected_outcome").equals("rejected"),
            rules.isBlank() ? Set.of() : new TreeSet<>(Arrays.asList(rules.split("\\|"))), c.get("expected_reason"),
            Long.parseLong(c.get("rows_read")), Long.parseLong(c.get("rows_landed")), Long.parseLong(c.get("rows_quarantined")), c.get("upload_name")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("cases.csv has no portal rows");
    }
    return out;
  }

  boolean generated() {
    return file.startsWith(GENERATED);
  }

  /** The name the client sends: the upload name when one is set, else the file's own name. */
  String presentedName() {
    String own = generated() ? file.substring(GENERATED.length()) : Path.of(file).getFileName().toString();
    return uploadName.isBlank() ? own : uploadName;
  }

  @Override
  public String toString() {
    return "portal: " + file + (uploadName.isBlank() ? "" : " as " + uploadName);
  }
}
