package org.carelake.jobs.service.portal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * What an upload is, judged from its bytes and never from its name: the council's XLSX workbook (a zip holding an
 * Excel workbook part) or a CSV (UTF-8 text without control characters). Anything else is refused with the reason.
 */
public final class UploadContent {

  public enum Kind {
    CSV, XLSX;

    public String extension() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Not a return at all: refused before any parsing. */
  public static final class Refused extends RuntimeException {
    public Refused(String message) {
      super(message);
    }
  }

  private static final int MAX_ZIP_ENTRIES = 2000;

  private UploadContent() {}

  public static Kind detect(byte[] b) {
    if (b.length == 0) {
      throw new Refused("the file is empty");
    }
    if (b.length >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4) {
      return workbook(b);
    }
    if (b.length >= 8 && (b[0] & 0xff) == 0xD0 && (b[1] & 0xff) == 0xCF && (b[2] & 0xff) == 0x11 && (b[3] & 0xff) == 0xE0) {
      throw new Refused("this is an old-format Excel (.xls) or other Office file: save the council's template as .xlsx, or export CSV");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      throw new Refused("the file is neither an .xlsx workbook nor UTF-8 text (CSV): save it as CSV UTF-8 or use the council's template");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
        throw new Refused("the file holds binary data (control character at offset " + i + "): not a CSV return");
      }
    }
    return Kind.CSV;
  }

  /** A zip is accepted only as an Excel workbook: its central directory must name the workbook parts. Nothing is inflated here. */
  private static Kind workbook(byte[] b) {
    boolean contentTypes = false;
    boolean workbook = false;
    int entries = 0;
    try (ZipFile zip = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(b)).get()) {
      for (var it = zip.getEntries(); it.hasMoreElements(); ) {
        ZipArchiveEntry e = it.nextElement();
        if (++entries > MAX_ZIP_ENTRIES) {
          throw new Refused("the zip holds more than " + MAX_ZIP_ENTRIES + " entries: not the council's workbook");
        }
        String name = e.getName();
        if (name.contains("..") || name.startsWith("/")) {
          throw new Refused("the zip holds an entry with a path outside itself (" + name + "): refused");
        }
        contentTypes |= name.equals("[Content_Types].xml");
        workbook |= name.equals("xl/workbook.xml");
      }
    } catch (IOException ex) {
      throw new Refused("the file looks like a zip but cannot be read: " + ex.getMessage());
    }
    if (!contentTypes || !workbook) {
      throw new Refused("the file is a zip but not an Excel workbook (.xlsx): upload the council's template or a CSV");
    }
    return Kind.XLSX;
  }
}
