package org.carelake.jobs.service.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.carelake.schema.TableContract;
import org.carelake.schema.WarehouseTables;
import org.carelake.transforms.Model;
import org.carelake.transforms.Models;
import org.springframework.stereotype.Component;

/**
 * The tables the REST API serves, by their short name: every mart, the per-submission findings and the other
 * data-quality tables, and the run history. Names and contracts come from the models, so a new mart is served as soon
 * as it is built.
 */
@Component
public class ServedTables {

  private static final List<String> DQ_SERVED = List.of("dq.submission_finding", "dq.cqc_unmatched_geography");

  private final Map<String, TableContract> byName = new LinkedHashMap<>();

  public ServedTables() {
    for (Model m : Models.load().all()) {
      if (m.contract().namespace().equals("marts") || DQ_SERVED.contains(m.table())) {
        byName.put(m.contract().name(), m.contract());
      }
    }
    byName.put(WarehouseTables.DQ_DATASET_CHECK_RESULT.name(), WarehouseTables.DQ_DATASET_CHECK_RESULT);
  }

  /** By short name ({@code mart_kpi_compliance}) or full name ({@code marts.mart_kpi_compliance}). */
  public Optional<TableContract> find(String name) {
    String shortName = name.contains(".") ? name.substring(name.indexOf('.') + 1) : name;
    TableContract c = byName.get(shortName);
    return c != null && (c.table().equals(name) || shortName.equals(name)) ? Optional.of(c) : Optional.empty();
  }

  public List<TableContract> all() {
    return List.copyOf(byName.values());
  }

  public List<String> names() {
    return List.copyOf(byName.keySet());
  }
}
