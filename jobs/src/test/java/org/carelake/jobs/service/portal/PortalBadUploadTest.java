package org.carelake.jobs.service.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.jobs.config.CarelakeProperties;
import org.carelake.jobs.config.PortalProperties;
import org.carelake.jobs.service.Lakehouse;
import org.carelake.jobs.service.SubmissionCheck;
import org.carelake.jobs.service.WarehouseBuild;
import org.carelake.jobs.web.security.Actor;
import org.carelake.jobs.web.security.AuditLog;
import org.carelake.schema.TableContract;
import org.carelake.schema.TestLakehouse;
import org.carelake.schema.WarehouseTables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 8, property 4, at the portal: the upload-level cases of the bad-input corpus (an upload past the size limit,
 * files that are not what their names say, a zip bomb, path tricks in the upload name and inside the zip) sent through
 * {@link ReturnUploads#upload} as a provider user would. Each is refused with a reason recorded in
 * {@code ops.portal_upload} and the audit log, or lands with its bad rows quarantined; nothing crashes, no client name
 * becomes a path, and landed + quarantined = read in the tables.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PortalBadUploadTest {

  private static final String PROVIDER = "1-101641521";
  private static final List<TableContract> COUNTED = List.of(WarehouseTables.RAW_RETURN_MEASURE, WarehouseTables.RAW_QUARANTINE,
      WarehouseTables.RAW_INGEST_MANIFEST, WarehouseTables.OPS_PORTAL_UPLOAD);

  @TempDir
  static Path home;

  private SparkSession spark;
  private ReturnUploads uploads;
  private AuditLog audit;
  private PortalProperties limits;
  private final Actor provider = new Actor("moorside.manager", Actor.Role.PROVIDER, PROVIDER);
  private int refused;
  private int quarantinedCases;
  private long rowsRead;
  private long rowsLanded;
  private long rowsQuarantined;

  @BeforeAll
  void setUp() {
    spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    CarelakeProperties properties = new CarelakeProperties();
    properties.setHome(home);
    properties.setSeedsDir(BadUploadCases.repoRoot().resolve("seeds"));
    Lakehouse lakehouse = new Lakehouse(properties) {
      @Override
      public synchronized SparkSession spark() {
        return spark;
      }
    };
    // the portal serves a built warehouse: the data-quality rules an upload is checked against read its core tables
    new WarehouseBuild(lakehouse).build();
    limits = new PortalProperties();
    audit = new AuditLog(lakehouse);
    uploads = new ReturnUploads(lakehouse, new SubmissionCheck(lakehouse), audit, limits);
  }

  static Stream<BadUploadCases> cases() {
    return BadUploadCases.portal().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusedOrQuarantinedWithAReasonAndNoNameBecomesAPath(BadUploadCases c) throws IOException {
    byte[] bytes = c.generated() ? generated(c) : Files.readAllBytes(BadUploadCases.corpus().resolve(c.file()));
    Set<Path> filesBefore = filesUnder(home);
    Map<String, Long> before = counts();
    ReturnUploads.Result[] result = new ReturnUploads.Result[1];
    Throwable thrown = catchThrowable(() -> result[0] = uploads.upload(provider, c.presentedName(), bytes, null, "127.0.0.1"));
    Map<String, Long> delta = delta(before, counts());

    assertThat(thrown).as("%s: answered, not thrown", c).isNull();
    ReturnUploads.Result r = result[0];
    // the client's name is kept for display only, without any directory in it
    assertThat(r.fileName()).as("%s: file name", c).doesNotContain("/", "\\").isNotBlank();
    assertThat(delta.get(WarehouseTables.OPS_PORTAL_UPLOAD.table())).as("%s: the upload is recorded", c).isEqualTo(1);
    Row recorded = spark.sql("SELECT outcome, refusal, file_name, stored_as FROM ops.portal_upload WHERE upload_id = '" + r.uploadId() + "'").first();
    assertThat(recorded.getString(2)).isEqualTo(r.fileName());
    Map<String, Object> logged = audit.read().get(audit.read().size() - 1);
    assertThat(logged).containsEntry("upload_id", r.uploadId());

    if (c.rejected()) {
      assertThat(r.outcome()).as("%s: outcome", c).isEqualTo("refused");
      assertThat(r.refusal()).as("%s: the reason the provider is told", c).contains(c.expectedReason());
      assertThat(recorded.getString(0)).isEqualTo("refused");
      assertThat(recorded.getString(1)).isEqualTo(r.refusal());
      assertThat(recorded.isNullAt(3)).as("%s: a refused upload is not stored", c).isTrue();
      assertThat(logged).containsEntry("event", "UPLOAD_REFUSED").containsEntry("detail", r.refusal());
      delta.forEach((table, n) -> {
        if (!table.equals(WarehouseTables.OPS_PORTAL_UPLOAD.table())) {
          assertThat(n).as("%s: %s untouched", c, table).isZero();
        }
      });
      assertThat(filesUnder(home)).as("%s: nothing stored", c).isEqualTo(withAuditLog(filesBefore));
      refused++;
      return;
    }

    assertThat(r.outcome()).as("%s: outcome (refusal: %s)", c, r.refusal()).isEqualTo("landed");
    assertThat(List.of((long) r.rowsRead(), (long) r.rowsLanded(), (long) r.rowsQuarantined())).as("%s: read, landed, quarantined", c)
        .containsExactly(c.rowsRead(), c.rowsLanded(), c.rowsQuarantined());
    assertThat(r.refusedRows()).as("%s: every refused row with its rule and reason", c).hasSize((int) c.rowsQuarantined())
        .allSatisfy(q -> assertThat(q.reason()).isNotBlank());
    Set<String> rules = new TreeSet<>();
    r.refusedRows().forEach(q -> rules.add(q.rule()));
    assertThat(rules).as("%s: rules", c).isEqualTo(c.expectedRules());
    long landed = delta.get(WarehouseTables.RAW_RETURN_MEASURE.table());
    long quarantined = delta.get(WarehouseTables.RAW_QUARANTINE.table());
    assertThat(List.of(landed, quarantined)).as("%s: rows added to raw.return_measure and raw.quarantine", c)
        .containsExactly(c.rowsLanded(), c.rowsQuarantined());
    String stored = recorded.getString(3);
    Row manifest = spark.sql("SELECT rows_read, rows_landed, rows_quarantined FROM raw.ingest_manifest WHERE _source_file LIKE '%/" + stored + "'").first();
    assertThat(landed + quarantined).as("%s: landed + quarantined = read, in the tables", c).isEqualTo(manifest.getLong(0));
    assertThat(List.of(manifest.getLong(1), manifest.getLong(2))).containsExactly(landed, quarantined);
    // kept under a name the server chose, inside the data home's uploads folder: the only new file besides the audit log
    assertThat(stored).matches("[0-9a-f-]{36}\\.csv");
    Set<Path> created = filesUnder(home);
    created.removeAll(withAuditLog(filesBefore));
    assertThat(created).as("%s: files written", c).containsExactly(home.resolve("uploads").resolve(stored));
    assertThat(logged).containsEntry("event", "UPLOAD_ACCEPTED");
    quarantinedCases++;
    rowsRead += manifest.getLong(0);
    rowsLanded += landed;
    rowsQuarantined += quarantined;
  }

  @AfterAll
  void printSummary() {
    System.out.println(String.format(Locale.ROOT,
        "bad-input corpus (portal uploads): %d cases, %d refused whole, %d with rows quarantined; rows read %d = landed %d + quarantined %d; lost %d",
        refused + quarantinedCases, refused, quarantinedCases, rowsRead, rowsLanded, rowsQuarantined, rowsRead - rowsLanded - rowsQuarantined));
  }

  /** An upload just past the portal's limit: a valid return whose comment is padded, built here rather than committed. */
  private byte[] generated(BadUploadCases c) {
    assertThat(c.file()).isEqualTo(BadUploadCases.GENERATED + "portal_oversized_upload.csv");
    StringBuilder b = new StringBuilder("provider_id,location_id,return_type,period_start,period_end,measure_code,value,comment\n");
    b.append(PROVIDER).append(",1-10024040008,monthly,2025-08-01,2025-08-31,SP_ACTIVE_RESIDENTS,42,");
    int pad = (int) (limits.getMaxUploadBytes() + 1 - b.length() - 1);
    b.append("x".repeat(pad)).append('\n');
    byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
    assertThat((long) bytes.length).isEqualTo(limits.getMaxUploadBytes() + 1);
    return bytes;
  }

  private Set<Path> withAuditLog(Set<Path> files) {
    Set<Path> out = new TreeSet<>(files);
    out.add(audit.file());
    return out;
  }

  private Map<String, Long> counts() {
    Map<String, Long> out = new LinkedHashMap<>();
    COUNTED.forEach(t -> out.put(t.table(), spark.table(t.table()).count()));
    return out;
  }

  private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> out = new LinkedHashMap<>();
    after.forEach((table, n) -> out.put(table, n - before.get(table)));
    return out;
  }

  /** Every file under the data home (the test catalog lives elsewhere). */
  private static Set<Path> filesUnder(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      Set<Path> out = new TreeSet<>();
      s.filter(Files::isRegularFile).forEach(out::add);
      return out;
    }
  }
}
