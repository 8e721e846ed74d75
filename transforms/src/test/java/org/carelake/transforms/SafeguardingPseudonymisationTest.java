package org.carelake.transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.Lander;
import org.carelake.ingestion.UnreadableSourceException;
import org.carelake.ingestion.contracts.ContractRegisterIngestor;
import org.carelake.ingestion.council.ContractActionIngestor;
import org.carelake.ingestion.council.SafeguardingIngestor;
import org.carelake.ingestion.council.VisitIngestor;
import org.carelake.ingestion.generate.CouncilDataGenerator;
import org.carelake.ingestion.generate.GeneratedLocation;
import org.carelake.ingestion.generate.OutputSink;
import org.carelake.ingestion.privacy.Pseudonymiser;
import org.carelake.ingestion.returns.MeasureCatalogue;
import org.carelake.ingestion.returns.ReturnsIngestor;
import org.carelake.ingestion.seeds.SeedLoader;
import org.carelake.schema.TestLakehouse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safeguarding log's person references never appear in clear: a generated council's files (plus rows broken in
 * every way the gate quarantines, and a file refused whole) are ingested and the whole warehouse built while every log
 * line and everything printed is captured; then every table of every namespace, quarantine included, and the captured
 * output are searched for each reference. The same person has the same key across files under one key, another under
 * another key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SafeguardingPseudonymisationTest {

  static final String KEY = "pii-test-key-3f9a0c5e7d1b2a4c";
  static final String OTHER_KEY = "pii-test-other-key-8e6b4d2f0a1c";
  static final String HEADER = "concern_id,location_id,provider_id,received_date,source,abuse_type,person_ref,risk_level,s42_enquiry,"
      + "enquiry_concluded,outcome,large_scale_enquiry";

  @TempDir
  static Path tmp;
  SparkSession spark;
  List<Map<String, String>> generated;
  /** Every clear person reference written into any file this test ingests. */
  final Set<String> clearRefs = new LinkedHashSet<>();
  String captured;
  List<ModelRunner.ModelResult> results;
  Map<String, String> resentKeys = new LinkedHashMap<>();
  String otherKeyRef;

  @BeforeAll
  void ingestAndBuildWhileCapturingEveryLine() throws Exception {
    spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    Path council = tmp.resolve("council");
    MeasureCatalogue catalogue = MeasureCatalogue.load(RawFixtures.repoRoot().resolve("seeds"));
    CouncilDataGenerator.builder().council("Testshire").locations(locations()).catalogue(catalogue).months(6).seed(7).faultRate(0.1)
        .asOf(LocalDate.of(2025, 10, 14)).build().generate(OutputSink.directory(council));
    Path log = council.resolve("safeguarding.csv");
    generated = csv(Files.readString(log));
    generated.forEach(r -> clearRefs.add(r.get("person_ref")));
    assertThat(clearRefs).as("the generated log names people").hasSizeGreaterThan(5);

    List<String> refs = new ArrayList<>(clearRefs);
    String loc = generated.get(0).get("location_id");
    String prov = generated.get(0).get("provider_id");
    // every way a row can fail, each with a person reference in it
    Path broken = write("broken.csv", String.join("\n", HEADER,
        "X0," + loc + "," + prov + ",2025-06-02,provider,neglect," + refs.get(1) + ",low,N,,,N",
        "X0," + loc + "," + prov + ",2025-06-03,provider,neglect,P900000,low,N,,,N",
        "X1," + loc + "," + prov + ",2025-06-02,neighbour,neglect,P900001,low,N,,,N",
        "X2," + loc + "," + prov + ",2025-06-02,provider,neglect,P900002,low,N,2025-07-01,substantiated,N",
        "X3,P900003," + prov + ",2025-06-02,provider,neglect,P900003,low,N,,,N",
        "X4," + loc + "," + prov + ",2025-06-02,provider,neglect,P900004",
        "X5," + loc + "," + prov + ",2025-06-02,\"provider,neglect,P900005,low,N,,,N") + "\n");
    clearRefs.addAll(List.of("P900000", "P900001", "P900002", "P900003", "P900004", "P900005"));
    // a file whose header is missing: its first row would be read as the header
    Path headerless = write("headerless.csv", "X9," + loc + "," + prov + ",2025-06-02,provider,neglect,P900009,low,N,,,N\n");
    clearRefs.add("P900009");
    // a later file about three of the same people, written loosely
    StringBuilder resent = new StringBuilder(HEADER).append('\n');
    for (int i = 0; i < 3; i++) {
      resent.append("R").append(i).append(',').append(loc).append(',').append(prov).append(",2025-09-01,family,physical, ")
          .append(refs.get(i).toLowerCase(Locale.ROOT)).append(" ,medium,N,,,N\n");
      resentKeys.put("R" + i, refs.get(i));
    }
    Path resentFile = write("resent.csv", resent.toString());
    otherKeyRef = refs.get(0);
    Path otherKeyFile = write("other_key.csv", HEADER + "\nK1," + loc + "," + prov + ",2025-09-02,family,physical," + otherKeyRef + ",low,N,,,N\n");

    try (Capture capture = new Capture()) {
      Lander lander = new Lander(spark);
      Clock clock = Clock.systemUTC();
      Pseudonymiser pseudonymiser = new Pseudonymiser(KEY);
      report(new ContractRegisterIngestor(lander, clock).ingest(council.resolve("contracts.csv")));
      report(new ReturnsIngestor(lander, catalogue, clock).ingest(council.resolve("returns"), Optional.empty()));
      report(new VisitIngestor(lander, clock).ingest(council.resolve("visits.csv")));
      report(new ContractActionIngestor(lander, clock).ingest(council.resolve("contract_actions.csv")));
      IngestReport sg = report(new SafeguardingIngestor(lander, pseudonymiser, clock).ingest(log));
      assertThat(sg.landed()).isEqualTo(generated.size());
      assertThat(report(new SafeguardingIngestor(lander, pseudonymiser, clock).ingest(broken)).quarantined()).isEqualTo(6);
      assertThatThrownBy(() -> new SafeguardingIngestor(lander, pseudonymiser, clock).ingest(headerless))
          .isInstanceOf(UnreadableSourceException.class)
          .satisfies(e -> {
            // as the command line reports it
            System.err.println("error: " + e.getMessage());
            e.printStackTrace();
          });
      report(new SafeguardingIngestor(lander, pseudonymiser, clock).ingest(resentFile));
      report(new SafeguardingIngestor(lander, new Pseudonymiser(OTHER_KEY), clock).ingest(otherKeyFile));
      capture.productionLevels();
      new SeedLoader(spark, clock).load(RawFixtures.repoRoot().resolve("seeds"));
      results = new ModelRunner(spark).buildAll(Models.load());
      results.forEach(r -> System.out.println(r.table() + " " + r.rows() + " " + r.violations()));
      captured = capture.text();
    }
  }

  private static IngestReport report(IngestReport r) {
    System.out.println("  " + r.summary());
    return r;
  }

  private static List<GeneratedLocation> locations() {
    return List.of(
        new GeneratedLocation("1-1000001000", "1-101000000", "Oak House", true, 40, "Good"),
        new GeneratedLocation("1-1000008919", "1-101000000", "Meadow View Care Home", true, 64, "Inadequate"),
        new GeneratedLocation("1-1000016838", "1-101000131", "Carewell Homecare", false, null, "Requires improvement"),
        new GeneratedLocation("1-1000024757", "1-101000262", "Brightside Supported Living", false, null, null));
  }

  private static Path write(String name, String text) throws IOException {
    return Files.writeString(tmp.resolve(name), text, StandardCharsets.UTF_8);
  }

  private static List<Map<String, String>> csv(String text) throws IOException {
    List<Map<String, String>> out = new ArrayList<>();
    for (CSVRecord r : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(new StringReader(text))) {
      out.add(r.toMap());
    }
    return out;
  }

  static String hmac(String key, String message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    StringBuilder b = new StringBuilder();
    for (byte x : mac.doFinal(message.getBytes(StandardCharsets.UTF_8))) {
      b.append(String.format("%02x", x));
    }
    return b.toString();
  }

  @Test
  void noTableInAnyNamespaceHoldsAPersonReference() {
    String refs = clearRefs.stream().map(r -> "'" + r.toUpperCase(Locale.ROOT) + "'").collect(Collectors.joining(", "));
    Map<String, Long> hits = new LinkedHashMap<>();
    for (Row ns : spark.sql("SHOW NAMESPACES").collectAsList()) {
      for (Row t : spark.sql("SHOW TABLES IN " + ns.getString(0)).collectAsList()) {
        String table = ns.getString(0) + "." + t.getString(1);
        long n = spark.sql("SELECT count(*) FROM (SELECT upper(to_json(struct(*))) AS j FROM " + table + ") WHERE exists(array(" + refs
            + "), r -> instr(j, r) > 0)").first().getLong(0);
        hits.put(table, n);
      }
    }
    assertThat(hits.keySet()).as("every layer was searched")
        .contains("raw.safeguarding_concern", "raw.quarantine", "raw.ingest_manifest", "staging.stg_safeguarding_concern", "staging.stg_visit",
            "core.dim_contract", "marts.mart_kpi_compliance", "dq.submission_finding", "ref.measures")
        .hasSizeGreaterThan(30);
    assertThat(hits).allSatisfy((table, n) -> assertThat(n).as(table).isZero());
    assertThat(spark.sql("SELECT count(*) FROM raw.quarantine WHERE source = 'safeguarding'").first().getLong(0))
        .as("the rejected rows were searched too").isEqualTo(6);
    assertThat(spark.sql("SELECT count(*) FROM staging.stg_safeguarding_concern").first().getLong(0)).isEqualTo(generated.size() + 1 + 3 + 1);
  }

  @Test
  void nothingLoggedOrPrintedHoldsAPersonReference() {
    assertThat(captured).as("the run was captured").contains("layout safeguarding_concern").contains("not a safeguarding log")
        .contains(" INFO ");
    String upper = captured.toUpperCase(Locale.ROOT);
    assertThat(clearRefs).allSatisfy(r -> assertThat(upper).doesNotContain(r.toUpperCase(Locale.ROOT)));
  }

  @Test
  void everyModelKeepsItsContract() {
    assertThat(results).allSatisfy(r -> assertThat(r.violations()).as(r.table()).isEmpty());
  }

  @Test
  void theSamePersonHasTheSameKeyAcrossFilesUnderOneKeyAndAnotherUnderAnother() throws Exception {
    for (Map.Entry<String, String> e : resentKeys.entrySet()) {
      String key = hmac(KEY, e.getValue());
      assertThat(spark.sql("SELECT person_key FROM staging.stg_safeguarding_concern WHERE concern_id = '" + e.getKey() + "'").first().getString(0))
          .isEqualTo(key);
      Set<String> concerns = generated.stream().filter(r -> r.get("person_ref").equals(e.getValue())).map(r -> r.get("concern_id"))
          .collect(Collectors.toSet());
      assertThat(spark.sql("SELECT DISTINCT person_key FROM staging.stg_safeguarding_concern WHERE concern_id IN ('" + String.join("','", concerns)
          + "')").collectAsList()).extracting(r -> r.getString(0)).containsExactly(key);
    }
    String underOther = spark.sql("SELECT person_key FROM staging.stg_safeguarding_concern WHERE concern_id = 'K1'").first().getString(0);
    assertThat(underOther).isEqualTo(hmac(OTHER_KEY, otherKeyRef)).isNotEqualTo(hmac(KEY, otherKeyRef));
  }

  /**
   * Every log event (all levels for carelake; INFO and up for the rest until {@link #productionLevels}, then the levels
   * the command line logs at), java.util.logging, and stdout/stderr, while open.
   */
  static final class Capture implements AutoCloseable {
    private final StringWriter log = new StringWriter();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = System.out;
    private final PrintStream err = System.err;
    private final WriterAppender appender;
    private final Level rootLevel;
    private final Level carelakeLevel;
    private final java.util.logging.Handler jul;
    private final java.util.logging.Level julLevel;

    Capture() {
      LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
      appender = WriterAppender.newBuilder().setName("pii-capture").setTarget(new PrintWriter(log, true))
          .setLayout(PatternLayout.newBuilder().withPattern("%d %-5level %c - %msg%n%throwable").build()).build();
      appender.start();
      ctx.getRootLogger().addAppender(appender);
      rootLevel = LogManager.getRootLogger().getLevel();
      carelakeLevel = LogManager.getLogger("org.carelake").getLevel();
      Configurator.setRootLevel(Level.INFO);
      Configurator.setLevel("org.carelake", Level.ALL);
      jul = new java.util.logging.Handler() {
        @Override
        public void publish(java.util.logging.LogRecord r) {
          synchronized (log) {
            log.append(String.valueOf(r.getLevel())).append(' ').append(r.getLoggerName()).append(" - ").append(r.getMessage()).append('\n');
            if (r.getThrown() != null) {
              r.getThrown().printStackTrace(new PrintWriter(log, true));
            }
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
      java.util.logging.Logger julRoot = java.util.logging.Logger.getLogger("");
      julLevel = julRoot.getLevel();
      julRoot.setLevel(java.util.logging.Level.ALL);
      julRoot.addHandler(jul);
      System.setOut(new PrintStream(tee(out), true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(tee(err), true, StandardCharsets.UTF_8));
    }

    private OutputStream tee(OutputStream original) {
      return new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          original.write(b);
          synchronized (printed) {
            printed.write(b);
          }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          original.write(b, off, len);
          synchronized (printed) {
            printed.write(b, off, len);
          }
        }
      };
    }

    /** The rest logged at WARN and up, as the command line does (Spark at INFO is slow and verbose). */
    void productionLevels() {
      Configurator.setRootLevel(Level.WARN);
    }

    String text() {
      synchronized (printed) {
        return log + "\n" + printed.toString(StandardCharsets.UTF_8);
      }
    }

    @Override
    public void close() {
      System.setOut(out);
      System.setErr(err);
      java.util.logging.Logger julRoot = java.util.logging.Logger.getLogger("");
      julRoot.removeHandler(jul);
      julRoot.setLevel(julLevel);
      ((LoggerContext) LogManager.getContext(false)).getRootLogger().removeAppender(appender);
      appender.stop();
      Configurator.setRootLevel(rootLevel);
      Configurator.setLevel("org.carelake", carelakeLevel);
    }
  }
}
