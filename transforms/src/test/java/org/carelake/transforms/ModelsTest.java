package org.carelake.transforms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelsTest {

  @Test
  void everyModelHasItsSqlAndContractInOneFolderAndReadsOnlyWhatIsBuiltBeforeIt() {
    List<Model> models = Models.load().all();
    assertThat(models).extracting(Model::table).contains("marts.mart_ratings_benchmark", "core.dim_location", "dq.cqc_unmatched_geography");
    assertThat(Models.load().get("marts.mart_ratings_benchmark").inputs())
        .containsExactlyInAnyOrder("core.fct_rating_snapshot", "core.dim_geography", "ref.published_benchmark");
    assertThat(models).allSatisfy(m -> assertThat(m.contract().key()).as(m.table() + " declares its key").isNotEmpty());
  }

  @Test
  void inputsIgnoreCommentsAndItself() {
    assertThat(Model.inputsOf("-- reads core.old_table\nselect * from staging.a join ref.b /* marts.c */", "marts.x"))
        .containsExactly("ref.b", "staging.a");
  }

  @Test
  void geographyNamesShareAKeyAcrossSpellings() {
    assertThat(SqlFunctions.geoKey("Bristol, City of")).isEqualTo(SqlFunctions.geoKey("Bristol")).isEqualTo("bristol");
    assertThat(SqlFunctions.geoKey("St. Helens")).isEqualTo(SqlFunctions.geoKey("St Helens"));
    assertThat(SqlFunctions.geoKey("South East (ADASS Region)")).isEqualTo("south east");
    assertThat(SqlFunctions.geoKey("Yorkshire & Humberside")).isEqualTo("yorkshire and humberside");
    assertThat(SqlFunctions.geoKey("Herefordshire, County of")).isEqualTo("herefordshire");
    assertThat(SqlFunctions.geoKey("Stoke-on-Trent")).isEqualTo("stoke on trent");
    assertThat(SqlFunctions.geoKey("  ")).isNull();
    assertThat(SqlFunctions.geoKey("Bedford Borough")).isNotEqualTo(SqlFunctions.geoKey("Bedford"));
  }
}
