package org.carelake.jobs.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.carelake.jobs.service.api.TableQuery;
import org.junit.jupiter.api.Test;

class SafeCsvTest {

  @Test
  void textThatASpreadsheetWouldRunIsWrittenAsText() throws Exception {
    var row = new ObjectMapper().readTree("{\"value\":\"=HYPERLINK(\\\"http://x\\\")\",\"n\":-3.5,\"c\":\"@SUM(A1)\",\"d\":\"+44 161\",\"e\":\"-1\",\"ok\":\"Good\",\"none\":null}");
    TableQuery.Page page = new TableQuery.Page("t", 1L, null, null, 0, 1, 1, 1,
        List.of(col("value"), col("n"), col("c"), col("d"), col("e"), col("ok"), col("none")), List.of(row));
    String csv = SafeCsv.write(page);
    assertThat(csv.lines().toList()).containsExactly("value,n,c,d,e,ok,none",
        "\"'=HYPERLINK(\"\"http://x\"\")\",-3.5,'@SUM(A1),'+44 161,'-1,Good,");
  }

  private static TableQuery.Column col(String name) {
    return new TableQuery.Column(name, "string", null);
  }
}
