package org.carelake.jobs.service.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;

class UploadContentTest {

  @Test
  void aRealWorkbookIsXlsxWhateverItIsCalled() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (XSSFWorkbook wb = new XSSFWorkbook()) {
      wb.createSheet("Return").createRow(0).createCell(0).setCellValue("provider_id");
      wb.write(out);
    }
    assertThat(UploadContent.detect(out.toByteArray())).isEqualTo(UploadContent.Kind.XLSX);
  }

  @Test
  void utf8TextIsCsv() {
    assertThat(UploadContent.detect("provider_id,location_id\n1-1,1-2\n".getBytes(StandardCharsets.UTF_8))).isEqualTo(UploadContent.Kind.CSV);
    assertThat(UploadContent.detect("\uFEFFprovider_id,comment\r\n1-1,café\r\n".getBytes(StandardCharsets.UTF_8))).isEqualTo(UploadContent.Kind.CSV);
  }

  @Test
  void anythingElseIsRefusedWithTheReason() throws IOException {
    assertThatThrownBy(() -> UploadContent.detect(new byte[0])).hasMessageContaining("empty");
    assertThatThrownBy(() -> UploadContent.detect(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}))
        .isInstanceOf(UploadContent.Refused.class).hasMessageContaining("neither an .xlsx workbook nor UTF-8 text");
    assertThatThrownBy(() -> UploadContent.detect("a,b\n1,\u0000\n".getBytes(StandardCharsets.UTF_8))).hasMessageContaining("binary data");
    assertThatThrownBy(() -> UploadContent.detect(new byte[] {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1, 0x1A, (byte) 0xE1}))
        .hasMessageContaining(".xls");
    assertThatThrownBy(() -> UploadContent.detect(zip("word/document.xml", "[Content_Types].xml"))).hasMessageContaining("not an Excel workbook");
    assertThatThrownBy(() -> UploadContent.detect(zip("../../evil", "[Content_Types].xml", "xl/workbook.xml"))).hasMessageContaining("outside itself");
  }

  private static byte[] zip(String... names) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      for (String n : names) {
        z.putNextEntry(new ZipEntry(n));
        z.write("x".getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toByteArray();
  }

  @Test
  void clientFileNamesLoseTheirDirectories() {
    assertThat(ReturnUploads.cleanName("../../etc/passwd")).isEqualTo("passwd");
    assertThat(ReturnUploads.cleanName("C:\\Users\\me\\return.xlsx")).isEqualTo("return.xlsx");
    assertThat(ReturnUploads.cleanName("..")).isEqualTo("upload");
    assertThat(ReturnUploads.cleanName("a\u0000b.csv")).isEqualTo("ab.csv");
  }
}
