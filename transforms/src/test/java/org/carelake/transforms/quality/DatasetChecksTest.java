package org.carelake.transforms.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.carelake.transforms.Models;
import org.junit.jupiter.api.Test;

/** The registry reads only tables the models build, and names only columns their contracts promise. */
class DatasetChecksTest {

  @Test
  void everyCheckReadsABuiltTableAndItsColumns() {
    Models models = Models.load();
    assertThat(DatasetChecks.all()).extracting(DatasetCheck::code).doesNotHaveDuplicates();
    assertThat(DatasetChecks.all()).allSatisfy(c -> {
      assertThat(models.find(c.source().table())).as(c.code() + " reads " + c.source().table()).isPresent();
      List<String> columns = models.get(c.source().table()).contract().columnNames();
      if (c.rule() instanceof Deequ.Complete complete && c.source().view() == null) {
        assertThat(columns).as(c.code()).containsAll(complete.columns());
      }
      if (c.rule() instanceof Deequ.Unique unique && c.source().view() == null) {
        assertThat(columns).as(c.code()).containsAll(unique.columns());
      }
      assertThat(c.description()).as(c.code()).endsWith(".");
    });
  }

  @Test
  void checksOnOneSourceRunTogether() {
    var bySource = DatasetChecks.bySource(DatasetChecks.all());
    assertThat(bySource.values().stream().mapToInt(List::size).sum()).isEqualTo(DatasetChecks.all().size());
    assertThat(bySource.keySet()).extracting(DatasetCheck.Source::dataset).doesNotHaveDuplicates()
        .contains("core.fct_return_measure", "core.fct_rating_snapshot:latest_snapshot_locations");
  }
}
