package org.carelake.ingestion.badinput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.carelake.ingestion.IngestionTestSupport.rows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.IngestionTestSupport;
import org.carelake.ingestion.Lander;
import org.carelake.ingestion.UnreadableSourceException;
import org.carelake.ingestion.privacy.Pseudonymiser;
import org.carelake.ingestion.returns.MeasureCatalogue;
import org.carelake.schema.TableContract;
import org.carelake.schema.TestLakehouse;
import org.carelake.schema.WarehouseTables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 8, property 4: every file of the bad-input corpus, through its stream's real entry point, is refused whole with
 * the product's own exception naming the file and what is wrong, or has its bad rows quarantined with a rule and a
 * reason while the rest land; and landed + quarantined = read, counted in the raw tables and the ingest manifest.
 * The portal's upload cases are in jobs ({@code PortalBadUploadTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputCorpusTest {

  static final Set<String> STREAMS = Set.of("returns", "cqc_api_document", "cqc_api_listing", "cqc_ratings_long", "cqc_asc_wide", "visits",
      "safeguarding", "contracts", "contract_actions");
  /** The shape of every person reference in the corpus's safeguarding logs: none may reach a table in clear. */
  private static final Pattern PERSON_REF = Pattern.compile("P\\d{6}");
  private static final List<TableContract> RAW = List.of(WarehouseTables.RAW_RETURN_MEASURE, WarehouseTables.RAW_CQC_API_LOCATION,
      WarehouseTables.RAW_CQC_RATINGS_LONG, WarehouseTables.RAW_CQC_ASC_WIDE, WarehouseTables.RAW_VISIT_RECORD,
      WarehouseTables.RAW_SAFEGUARDING_CONCERN, WarehouseTables.RAW_CONTRACT_REGISTER, WarehouseTables.RAW_CONTRACT_ACTION,
      WarehouseTables.RAW_QUARANTINE, WarehouseTables.RAW_INGEST_MANIFEST);

  private SparkSession spark;
  private StreamEntryPoints entryPoints;
  private Path corpus;
  private final CorpusTally tally = new CorpusTally();
  private int run;

  @TempDir
  Path tmp;

  @BeforeAll
  void setUp() {
    spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    corpus = BadInputCorpus.dir();
    entryPoints = new StreamEntryPoints(new Lander(spark), MeasureCatalogue.load(IngestionTestSupport.repoRoot().resolve("seeds")),
        new Pseudonymiser("bad-input-corpus-key-0123456789"), IngestionTestSupport.fixedClock());
  }

  static Stream<BadInputCase> cases() {
    return BadInputCorpus.cases(STREAMS).stream();
  }

  @Test
  void everyCorpusFileHasAManifestRowAndEveryRowAFile() {
    assertThat(BadInputCorpus.unlistedFiles()).as("corpus files that no row of cases.csv names").isEmpty();
    assertThat(BadInputCorpus.missingFiles()).as("rows of cases.csv whose file is not in the corpus").isEmpty();
    assertThat(BadInputCorpus.cases()).extracting(BadInputCase::stream).allMatch(s -> STREAMS.contains(s) || s.equals("portal"));
    assertThat(BadInputCorpus.cases()).allSatisfy(c -> {
      assertThat(c.rowsLanded() + c.rowsQuarantined()).as("%s: the manifest's own counts balance", c).isEqualTo(c.rowsRead());
      if (c.expectedOutcome() == BadInputCase.Outcome.REJECTED) {
        assertThat(c.expectedReason()).as("%s: a refusal names its reason", c).isNotBlank();
      } else {
        assertThat(c.expectedRules()).as("%s: a quarantine names its rules", c).isNotEmpty();
        assertThat(c.rowsQuarantined()).as("%s", c).isPositive();
      }
    });
    assertThat(BadInputCorpus.files()).hasSizeGreaterThanOrEqualTo(50);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusedOrQuarantinedWithAReasonAndNothingLost(BadInputCase c) throws Exception {
    StreamEntryPoints.Presented in = StreamEntryPoints.present(c, corpus, Files.createDirectories(tmp.resolve("case" + ++run)));
    Map<String, Long> before = counts();
    IngestReport[] report = new IngestReport[1];
    Throwable thrown = catchThrowable(() -> report[0] = entryPoints.ingest(c.stream(), in.path()));
    Map<String, Long> delta = delta(before, counts());

    if (c.expectedOutcome() == BadInputCase.Outcome.REJECTED) {
      assertThat(thrown).as("%s: refused whole with the product's own exception", c)
          .isInstanceOf(UnreadableSourceException.class)
          .hasMessageContaining(in.name())
          .hasMessageContaining(c.expectedReason());
      assertThat(delta).as("%s: a refused file changes no raw table", c).allSatisfy((table, n) -> assertThat(n).as(table).isZero());
      tally.rejected(c);
      return;
    }

    assertThat(thrown).as("%s: read without an exception", c).isNull();
    IngestReport r = report[0];
    assertThat(List.of(r.read(), r.landed(), r.quarantined())).as("%s: report read, landed, quarantined", c)
        .containsExactly(c.rowsRead(), c.rowsLanded(), c.rowsQuarantined());

    // the tables themselves: the stream's raw table grew by the rows landed, the quarantine by the rows refused, nothing else
    String landing = StreamEntryPoints.landingTable(c.stream()).table();
    String quarantine = WarehouseTables.RAW_QUARANTINE.table();
    long landed = delta.get(landing);
    long quarantined = delta.get(quarantine);
    assertThat(landed).as("%s: rows added to %s", c, landing).isEqualTo(c.rowsLanded());
    assertThat(quarantined).as("%s: rows added to %s", c, quarantine).isEqualTo(c.rowsQuarantined());
    delta.forEach((table, n) -> {
      if (!table.equals(landing) && !table.equals(quarantine) && !table.equals(WarehouseTables.RAW_INGEST_MANIFEST.table())) {
        assertThat(n).as("%s: %s untouched", c, table).isZero();
      }
    });
    List<Row> manifest = rows(spark, "SELECT sum(rows_read), sum(rows_landed), sum(rows_quarantined) FROM raw.ingest_manifest WHERE _batch_id = '"
        + r.batchId() + "'");
    long read = manifest.get(0).getLong(0);
    assertThat(List.of(read, manifest.get(0).getLong(1), manifest.get(0).getLong(2))).as("%s: raw.ingest_manifest read, landed, quarantined", c)
        .containsExactly(c.rowsRead(), c.rowsLanded(), c.rowsQuarantined());
    assertThat(landed + quarantined).as("%s: landed + quarantined = read, in the tables", c).isEqualTo(read);

    // every refused row carries its rule, a reason, and the file it came from
    List<Row> refused = rows(spark, "SELECT rule, reason, _source_file, coalesce(record, '') FROM raw.quarantine WHERE _batch_id = '" + r.batchId() + "'");
    assertThat(refused).as("%s: quarantined rows of this run", c).hasSize((int) c.rowsQuarantined());
    assertThat(refused).allSatisfy(q -> {
      assertThat(q.getString(0)).as("%s: rule", c).isNotBlank();
      assertThat(q.getString(1)).as("%s: reason", c).isNotBlank();
      assertThat(q.getString(2)).as("%s: source file", c).endsWith(in.name());
    });
    Set<String> rules = new TreeSet<>();
    refused.forEach(q -> rules.add(q.getString(0)));
    assertThat(rules).as("%s: rules of the quarantined rows", c).isEqualTo(c.expectedRules());
    if (c.stream().equals("safeguarding")) {
      assertThat(refused).as("%s: no person reference in a quarantined record or reason", c)
          .noneMatch(q -> PERSON_REF.matcher(q.getString(1) + " " + q.getString(3)).find());
      assertThat(rows(spark, "SELECT * FROM " + landing + " WHERE _batch_id = '" + r.batchId() + "'"))
          .as("%s: no person reference in a landed row", c).noneMatch(row -> PERSON_REF.matcher(row.toString()).find());
    }
    tally.quarantined(c, read, landed, quarantined);
  }

  @AfterAll
  void printSummary() {
    System.out.println(tally.summary("ingestion, " + String.join(" ", new TreeSet<>(STREAMS))));
  }

  private Map<String, Long> counts() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (TableContract t : RAW) {
      out.put(t.table(), spark.table(t.table()).count());
    }
    return out;
  }

  private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> out = new LinkedHashMap<>();
    after.forEach((table, n) -> out.put(table, n - before.get(table)));
    return out;
  }
}
