package org.carelake.ingestion.badinput;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.carelake.ingestion.IngestionTestSupport;

/**
 * The bad-input corpus of issue 8 (property 4): files under {@code ingestion/src/test/resources/bad-input/}, one folder
 * per stream, described row by row in {@code cases.csv}. Read from the repository root, as the portal's test in jobs
 * reads the same folder (its rows of stream {@code portal}).
 */
final class BadInputCorpus {

  public static final String MANIFEST = "cases.csv";
  static final List<String> COLUMNS = List.of("file", "stream", "category", "what_is_wrong", "expected_outcome", "expected_rules",
      "expected_reason", "rows_read", "rows_landed", "rows_quarantined", "upload_name");

  private BadInputCorpus() {}

  public static Path dir() {
    Path dir = IngestionTestSupport.repoRoot().resolve("ingestion/src/test/resources/bad-input");
    if (!Files.isRegularFile(dir.resolve(MANIFEST))) {
      throw new IllegalStateException("bad-input corpus not found at " + dir + " (carelake.repo.root=" + System.getProperty("carelake.repo.root") + ")");
    }
    return dir;
  }

  /** Every row of the manifest, in its order. */
  public static List<BadInputCase> cases() {
    CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build();
    List<BadInputCase> out = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(dir().resolve(MANIFEST), StandardCharsets.UTF_8)) {
      var parser = format.parse(r);
      if (!parser.getHeaderNames().equals(COLUMNS)) {
        throw new IllegalStateException(MANIFEST + " header is " + parser.getHeaderNames() + ", expected " + COLUMNS);
      }
      for (CSVRecord c : parser) {
        if (c.size() != COLUMNS.size()) {
          throw new IllegalStateException(MANIFEST + " line " + parser.getCurrentLineNumber() + " has " + c.size() + " fields: " + c);
        }
        out.add(new BadInputCase(c.get("file"), c.get("stream"), c.get("category"), c.get("what_is_wrong"),
            BadInputCase.Outcome.valueOf(c.get("expected_outcome").toUpperCase(Locale.ROOT)), BadInputCase.rules(c.get("expected_rules")),
            c.get("expected_reason"), Long.parseLong(c.get("rows_read")), Long.parseLong(c.get("rows_landed")),
            Long.parseLong(c.get("rows_quarantined")), c.get("upload_name")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  public static List<BadInputCase> cases(Set<String> streams) {
    return cases().stream().filter(c -> streams.contains(c.stream())).toList();
  }

  /** Every committed corpus file, relative to the corpus folder with '/' separators, the manifest excepted. */
  public static Set<String> files() {
    Path dir = dir();
    try (Stream<Path> s = Files.walk(dir)) {
      Set<String> out = new TreeSet<>();
      s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/')).filter(f -> !f.equals(MANIFEST)).forEach(out::add);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Files of the folder that no manifest row names. */
  public static Set<String> unlistedFiles() {
    Set<String> out = new TreeSet<>(files());
    cases().forEach(c -> out.remove(c.file()));
    return out;
  }

  /** Manifest rows naming a committed file that is not there. */
  public static Set<String> missingFiles() {
    Set<String> present = files();
    Set<String> out = new TreeSet<>();
    cases().stream().filter(c -> !c.generated() && !present.contains(c.file())).forEach(c -> out.add(c.file()));
    return out;
  }
}
