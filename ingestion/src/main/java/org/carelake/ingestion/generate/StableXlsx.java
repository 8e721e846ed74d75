package org.carelake.ingestion.generate;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Makes a workbook's bytes depend on its content only: POI stamps the creation time into docProps/core.xml and the
 * zip entries carry modification times. Both are set to a fixed instant taken from the data (the submission time).
 */
final class StableXlsx {

  private static final DateTimeFormatter W3C = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");

  private StableXlsx() {}

  static byte[] normalise(byte[] xlsx, java.time.Instant fixed) {
    LocalDateTime utc = LocalDateTime.ofInstant(fixed, ZoneOffset.UTC).withNano(0);
    String stamp = W3C.format(utc);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(xlsx))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        entries.put(e.getName(), in.readAllBytes());
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ZipOutputStream out = new ZipOutputStream(bytes)) {
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
          byte[] content = e.getValue();
          if (e.getKey().equals("docProps/core.xml")) {
            String xml = new String(content, StandardCharsets.UTF_8)
                .replaceAll("(<dcterms:created[^>]*>)[^<]*(</dcterms:created>)", "$1" + stamp + "$2")
                .replaceAll("(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", "$1" + stamp + "$2");
            content = xml.getBytes(StandardCharsets.UTF_8);
          }
          ZipEntry entry = new ZipEntry(e.getKey());
          entry.setTimeLocal(utc);
          out.putNextEntry(entry);
          out.write(content);
          out.closeEntry();
        }
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
