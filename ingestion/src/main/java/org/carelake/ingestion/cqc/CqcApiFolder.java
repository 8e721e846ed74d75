package org.carelake.ingestion.cqc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.carelake.ingestion.SourceBytes;
import org.carelake.ingestion.UnreadableSourceException;

/** A folder of saved API responses: {@code locations.json} plus {@code location_details/location_<id>.json}. */
public final class CqcApiFolder {

  private static final ObjectMapper JSON = new ObjectMapper();

  private CqcApiFolder() {}

  public static ApiBatch read(Path folder) {
    Path indexFile = folder.resolve("locations.json");
    Path details = folder.resolve("location_details");
    SourceBytes index = null;
    Set<String> listed = new LinkedHashSet<>();
    if (Files.isRegularFile(indexFile)) {
      index = SourceBytes.read(indexFile);
      try {
        JsonNode root = JSON.readTree(index.bytes());
        for (JsonNode loc : root.path("locations")) {
          String id = loc.path("locationId").asText(null);
          if (id != null && !id.isBlank()) {
            listed.add(id.trim());
          }
        }
      } catch (IOException e) {
        throw new UnreadableSourceException(indexFile + ": not a CQC locations listing (invalid JSON: " + e.getMessage() + ")", e);
      }
    }
    List<SourceBytes> docs = new ArrayList<>();
    Set<String> found = new LinkedHashSet<>();
    if (Files.isDirectory(details)) {
      try (Stream<Path> files = Files.list(details)) {
        for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
          docs.add(SourceBytes.read(f));
          String name = f.getFileName().toString();
          found.add(name.replaceFirst("^location_", "").replaceFirst("\\.json$", ""));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    List<ApiBatch.Missing> missing = new ArrayList<>();
    for (String id : listed) {
      if (!found.contains(id)) {
        missing.add(new ApiBatch.Missing(id, details.resolve("location_" + id + ".json").toString(), "missing_document",
            "location " + id + " is listed in locations.json but location_details/location_" + id + ".json is not in the folder"));
      }
    }
    return new ApiBatch(index, listed.size(), docs, missing);
  }
}
