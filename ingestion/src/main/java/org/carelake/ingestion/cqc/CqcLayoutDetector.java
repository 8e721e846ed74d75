package org.carelake.ingestion.cqc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.carelake.ingestion.CsvText;
import org.carelake.ingestion.SourceBytes;
import org.carelake.ingestion.UnreadableSourceException;

/** Decides which CQC layout a path or URL holds, from its shape and header, never from its name. */
public final class CqcLayoutDetector {

  private static final Set<String> LONG_COLUMNS = Set.of("location_id", "domain", "latest_rating");
  private static final Set<String> WIDE_COLUMNS = Set.of("location_id", "location_latest_overall_rating", "location_safe_rating");

  private CqcLayoutDetector() {}

  public static CqcLayout detect(String pathOrUrl) {
    if (pathOrUrl.startsWith("http://") || pathOrUrl.startsWith("https://")) {
      return CqcLayout.API_LIVE;
    }
    Path p = Path.of(pathOrUrl);
    if (!Files.exists(p)) {
      throw new UnreadableSourceException(pathOrUrl + ": no such file or folder");
    }
    if (Files.isDirectory(p)) {
      if (Files.isRegularFile(p.resolve("locations.json")) || Files.isDirectory(p.resolve("location_details"))) {
        return CqcLayout.API_FOLDER;
      }
      throw unknown(pathOrUrl, "a folder without locations.json or location_details/");
    }
    return detectCsv(SourceBytes.read(p));
  }

  public static CqcLayout detectCsv(SourceBytes src) {
    // an empty or non-UTF-8 file is refused with that reason, not as an unknown layout
    List<String> header = CsvText.header(src);
    Set<String> names = header.stream().map(CsvText::snakeCase).collect(Collectors.toSet());
    if (names.containsAll(LONG_COLUMNS)) {
      return CqcLayout.RATINGS_LONG;
    }
    if (names.containsAll(WIDE_COLUMNS)) {
      return CqcLayout.ASC_WIDE;
    }
    return unknownThrow(src.name(), "its header has none of the required column sets");
  }

  private static CqcLayout unknownThrow(String name, String why) {
    throw unknown(name, why);
  }

  private static UnreadableSourceException unknown(String name, String why) {
    return new UnreadableSourceException(name + " is in no known CQC layout (" + why + "). Expected one of:" + CqcLayout.expected());
  }
}
