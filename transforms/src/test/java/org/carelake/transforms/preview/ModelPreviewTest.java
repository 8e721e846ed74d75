package org.carelake.transforms.preview;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelPreviewTest {

  @Test
  void rewritesOnlyReplacedTableNamesOutsideQuotesAndComments() {
    String sql = "-- reads core.fct_x\nselect 'core.fct_x' as s, a.* from core.fct_x a join core.fct_xy b on core.fct_x.id = b.id";
    assertThat(ModelPreview.rewrite(sql, Map.of("core.fct_x", "__v")))
        .isEqualTo("-- reads core.fct_x\nselect 'core.fct_x' as s, a.* from __v a join core.fct_xy b on __v.id = b.id");
  }
}
