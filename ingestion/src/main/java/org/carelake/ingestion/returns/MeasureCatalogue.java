package org.carelake.ingestion.returns;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.carelake.ingestion.CsvText;
import org.carelake.ingestion.SourceBytes;

/**
 * The measure catalogue and the service-type groups, read from the product's seeds. Measures keep catalogue order,
 * which is the order a provider sees them in the workbook.
 */
public final class MeasureCatalogue implements java.io.Serializable {

  private static final long serialVersionUID = 1L;

  private final Map<String, Measure> measures;
  private final Map<String, String> measureGroupByServiceType;

  private MeasureCatalogue(Map<String, Measure> measures, Map<String, String> groups) {
    this.measures = measures;
    this.measureGroupByServiceType = groups;
  }

  public static MeasureCatalogue load(Path seedsDir) {
    Map<String, Measure> measures = new LinkedHashMap<>();
    CsvText csv = CsvText.parse(SourceBytes.read(seedsDir.resolve("ref/measures.csv")));
    for (CsvText.Record r : csv.records()) {
      var rec = r.record();
      measures.put(rec.get("measure_code"), new Measure(rec.get("measure_code"), rec.get("return_type"), rec.get("section"),
          rec.get("description"), rec.get("unit"), "Y".equals(rec.get("mandatory")), rec.get("applies_to")));
    }
    Map<String, String> groups = new LinkedHashMap<>();
    CsvText st = CsvText.parse(SourceBytes.read(seedsDir.resolve("ref/service_type_group.csv")));
    for (CsvText.Record r : st.records()) {
      groups.put(r.record().get("service_type"), r.record().get("measure_group"));
    }
    return new MeasureCatalogue(measures, groups);
  }

  public Optional<Measure> find(String code) {
    return Optional.ofNullable(measures.get(code));
  }

  public List<Measure> all() {
    return List.copyOf(measures.values());
  }

  public List<String> serviceTypes() {
    return List.copyOf(measureGroupByServiceType.keySet());
  }

  /** The measures a service of this contract service type returns on this return type, in catalogue order. */
  public List<Measure> applicable(String returnType, String serviceType) {
    String group = measureGroupByServiceType.get(serviceType);
    if (group == null) {
      throw new IllegalArgumentException("unknown service type '" + serviceType + "'; expected one of " + serviceTypes());
    }
    List<Measure> out = new ArrayList<>();
    for (Measure m : measures.values()) {
      if (m.returnType().equals(returnType) && m.appliesToGroup(group)) {
        out.add(m);
      }
    }
    return out;
  }
}
