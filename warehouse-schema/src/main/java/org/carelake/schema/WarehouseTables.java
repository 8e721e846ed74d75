package org.carelake.schema;

import java.util.List;

/**
 * The tables written by code rather than by SQL models (ingestion, seeds, the dataset checks), each defined by its YAML
 * contract under {@code tables/<namespace>/}.
 */
public final class WarehouseTables {

  public static final TableContract RAW_CQC_API_LOCATION = TableContract.fromResource("tables/raw/cqc_api_location.yml");
  public static final TableContract RAW_CQC_RATINGS_LONG = TableContract.fromResource("tables/raw/cqc_ratings_long.yml");
  public static final TableContract RAW_CQC_ASC_WIDE = TableContract.fromResource("tables/raw/cqc_asc_wide.yml");
  public static final TableContract RAW_CONTRACT_REGISTER = TableContract.fromResource("tables/raw/contract_register.yml");
  public static final TableContract RAW_RETURN_MEASURE = TableContract.fromResource("tables/raw/return_measure.yml");
  public static final TableContract RAW_VISIT_RECORD = TableContract.fromResource("tables/raw/visit_record.yml");
  public static final TableContract RAW_SAFEGUARDING_CONCERN = TableContract.fromResource("tables/raw/safeguarding_concern.yml");
  public static final TableContract RAW_CONTRACT_ACTION = TableContract.fromResource("tables/raw/contract_action.yml");
  public static final TableContract RAW_QUARANTINE = TableContract.fromResource("tables/raw/quarantine.yml");
  public static final TableContract RAW_INGEST_MANIFEST = TableContract.fromResource("tables/raw/ingest_manifest.yml");
  public static final TableContract REF_SEED_MANIFEST = TableContract.fromResource("tables/ref/seed_manifest.yml");
  public static final TableContract DQ_DEEQU_METRIC = TableContract.fromResource("tables/dq/deequ_metric.yml");
  public static final TableContract DQ_DATASET_CHECK_RESULT = TableContract.fromResource("tables/dq/dataset_check_result.yml");
  public static final TableContract OPS_BUILD_RUN = TableContract.fromResource("tables/ops/build_run.yml");
  public static final TableContract OPS_PORTAL_UPLOAD = TableContract.fromResource("tables/ops/portal_upload.yml");
  public static final TableContract OPS_ERASURE_LOG = TableContract.fromResource("tables/ops/erasure_log.yml");

  private WarehouseTables() {}

  public static List<TableContract> all() {
    return List.of(RAW_CQC_API_LOCATION, RAW_CQC_RATINGS_LONG, RAW_CQC_ASC_WIDE, RAW_CONTRACT_REGISTER, RAW_RETURN_MEASURE, RAW_VISIT_RECORD,
        RAW_SAFEGUARDING_CONCERN, RAW_CONTRACT_ACTION, RAW_QUARANTINE, RAW_INGEST_MANIFEST, REF_SEED_MANIFEST, DQ_DEEQU_METRIC,
        DQ_DATASET_CHECK_RESULT, OPS_BUILD_RUN, OPS_PORTAL_UPLOAD, OPS_ERASURE_LOG);
  }

  /** The raw tables sources land in (a build reads them; nothing but ingestion writes them). */
  public static List<TableContract> raw() {
    return all().stream().filter(t -> t.namespace().equals("raw")).toList();
  }

  /** Creates or evolves every table in {@link #all()}. */
  public static void migrate(TableMigrator migrator) {
    all().forEach(migrator::ensure);
  }
}
