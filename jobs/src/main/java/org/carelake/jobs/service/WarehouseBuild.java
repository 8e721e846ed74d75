package org.carelake.jobs.service;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.seeds.SeedLoader;
import org.carelake.schema.TableMigrator;
import org.carelake.schema.WarehouseTables;
import org.carelake.transforms.AuditBranch;
import org.carelake.transforms.Model;
import org.carelake.transforms.ModelRunner;
import org.carelake.transforms.PeriodSlice;
import org.carelake.transforms.Models;
import org.carelake.transforms.RunHistory;
import org.carelake.transforms.SnapshotPins;
import org.carelake.transforms.UnchangedModels;
import org.carelake.schema.TableSnapshots;
import org.carelake.schema.TableContract;
import org.carelake.transforms.quality.DatasetCheck;
import org.carelake.transforms.quality.DatasetCheckRunner;
import org.springframework.stereotype.Service;

/**
 * {@code build}: raw tables migrated, seeds (re)loaded when changed, then, write-audit-publish: every model staging →
 * core → marts → dq written to the run's audit branch, its contract checked there, the dataset checks (Deequ) run on
 * the branch, and only when every contract and every error-severity check passed is main moved to the branch. A build
 * that fails a gate leaves main, which the dashboards, the SQL endpoint and the portal read, exactly as it was.
 */
@Service
public class WarehouseBuild {

  /**
   * What a build did, the geography findings it raised, what the dataset checks found, and whether it was published.
   *
   * @param auditBranch the branch the build wrote to
   * @param published the tables whose main now shows this build (empty when a gate failed)
   * @param publishRefused why a build that passed its gates was still not published (main moved meanwhile), else null
   */
  public record Outcome(String runId, List<SeedLoader.SeedOutcome> seeds, List<ModelRunner.ModelResult> models, List<Row> geographyFindings,
      DatasetCheckRunner.Report datasetChecks, String auditBranch, List<AuditBranch.Published> published, String publishRefused) {
    /**
     * The gates: every model kept its contract (a broken contract is the build's own fault), and no error-severity
     * dataset check failed (an invariant of a built table: one row per key, scores in range). Warning-severity failures
     * describe the data received (a provider's percentages, a CQC feed that shrank), which the build reflects
     * faithfully; they are printed and kept in dq.dataset_check_result but do not hold the build back.
     */
    public boolean gatesPassed() {
      return models.stream().allMatch(ModelRunner.ModelResult::passed) && datasetChecks.failed(DatasetCheck.Severity.ERROR) == 0;
    }

    /** The gates passed and main now shows this build. */
    public boolean passed() {
      return gatesPassed() && publishRefused == null;
    }

    /** Why the build was not published, in a sentence an officer can act on; null when it was. */
    public String whyNotPublished() {
      if (passed()) {
        return null;
      }
      List<String> reasons = new ArrayList<>();
      long broken = models.stream().filter(m -> !m.passed()).count();
      if (broken > 0) {
        reasons.add(broken + " model(s) broke their contract: "
            + models.stream().filter(m -> !m.passed()).map(ModelRunner.ModelResult::table).toList());
      }
      List<String> failedChecks = datasetChecks.failures().stream().filter(r -> r.severity() == DatasetCheck.Severity.ERROR)
          .map(r -> r.code() + " on " + r.table()).toList();
      if (!failedChecks.isEmpty()) {
        reasons.add(failedChecks.size() + " error-severity dataset check(s) failed: " + failedChecks);
      }
      if (publishRefused != null) {
        reasons.add(publishRefused);
      }
      return String.join("; ", reasons);
    }
  }

  private static final ZoneId UK = ZoneId.of("Europe/London");
  /**
   * A model rebuilt with at most this many rows is compared with main: when its rows are the same (contracts judged
   * active at a new as-of date, none starting or ending), what reads it can be left alone. Above it, the comparison
   * would cost about as much as the rebuilds it could save.
   */
  private static final long SAME_ROWS_CHECK_LIMIT = 2_000_000;
  private final Lakehouse lakehouse;

  public WarehouseBuild(Lakehouse lakehouse) {
    this.lakehouse = lakehouse;
  }

  public Outcome build() {
    return build(Models.load(), false);
  }

  /** A build that runs every model, changed or not ({@code build --full}). */
  public Outcome buildFull() {
    return build(Models.load(), true);
  }

  public Outcome build(Models models) {
    return build(models, false);
  }

  /**
   * A build of these models (a test may give models that break a gate).
   *
   * @param full run every model; otherwise a model none of whose inputs changed since the last published build is left
   *     as it is ({@link UnchangedModels})
   */
  public Outcome build(Models models, boolean full) {
    Instant started = Instant.now();
    String runId = UUID.randomUUID().toString();
    SparkSession spark = lakehouse.spark();
    WarehouseTables.migrate(new TableMigrator(spark));
    List<SeedLoader.SeedOutcome> seeds = new SeedLoader(spark, Clock.systemUTC()).load(lakehouse.properties().getSeedsDir());
    List<String> modelTables = models.all().stream().map(m -> m.table()).toList();
    AuditBranch.dropExpired(spark, modelTables, started);
    List<ModelRunner.ModelResult> results = new ArrayList<>();
    List<RunHistory.TableWrite> writes = new ArrayList<>();
    List<Row> findings;
    DatasetCheckRunner.Report checks;
    RunHistory history;
    String branch;
    try (AuditBranch audit = AuditBranch.open(spark, runId)) {
      branch = audit.name();
      history = new RunHistory(spark, branch);
      // the raw tables are read as they were when the build started, however much lands while it runs
      SnapshotPins pins = history.pinCurrent(WarehouseTables.raw().stream().map(TableContract::table).toList());
      UnchangedModels plan = full ? null : planFrom(history.lastPublished(), models, pins, started);
      ModelRunner runner = new ModelRunner(spark, pins);
      TableSnapshots snapshots = new TableSnapshots(spark);
      Map<String, PeriodSlice> slices = new HashMap<>(); // the models this build rebuilt for a slice of periods alone
      for (var model : models.all()) {
        List<RunHistory.InputSnapshot> inputs = history.inputsOf(model, pins);
        if (plan != null && plan.canKeep(model)) {
          long rows = snapshots.current(model.table()).map(s -> s.totalRecords() == null ? 0L : s.totalRecords()).orElse(0L);
          results.add(ModelRunner.ModelResult.unchanged(model.table(), rows));
          writes.add(history.kept(writes.size() + 1, model, inputs));
          continue;
        }
        PeriodSlice slice = plan == null ? null : sliceFor(model, plan, pins, slices);
        if (slice != null && slice.isEmpty()) { // the sliced input gained no rows the model reads
          long rows = snapshots.current(model.table()).map(s -> s.totalRecords() == null ? 0L : s.totalRecords()).orElse(0L);
          results.add(ModelRunner.ModelResult.unchanged(model.table(), rows));
          writes.add(history.kept(writes.size() + 1, model, inputs));
          plan.sameRows(model.table());
          continue;
        }
        // main's rows digested before the write: once the table has the audit branch this session reads only the branch
        // (Iceberg refuses VERSION AS OF together with a WAP branch)
        Long mainRows = snapshots.current(model.table()).map(TableSnapshots.TableSnapshot::totalRecords).orElse(null);
        Row mainDigest = plan != null && slice == null && mainRows != null && mainRows <= SAME_ROWS_CHECK_LIMIT ? digest(spark, model.table()) : null;
        ModelRunner.ModelResult r = slice != null ? runner.buildSlice(model, slice) : runner.build(model);
        if (r.sliced()) {
          slices.put(model.table(), r.slice());
        }
        results.add(r);
        writes.add(history.written(writes.size() + 1, model, inputs, r));
        if (mainDigest != null && digest(spark, model.table()).equals(mainDigest)) {
          plan.sameRows(model.table());
        }
      }
      findings = spark.sql("SELECT name_kind, cqc_name, source_layout, rule_code, locations, evidence "
          + "FROM dq.cqc_unmatched_geography ORDER BY locations DESC, cqc_name").collectAsList();
      checks = new DatasetCheckRunner(spark, Clock.systemUTC()).run();
    }
    Outcome gated = new Outcome(runId, seeds, results, findings, checks, branch, List.of(), null);
    List<AuditBranch.Published> published = List.of();
    String refused = null;
    if (gated.gatesPassed()) {
      try {
        published = AuditBranch.publish(spark, branch, results.stream().filter(ModelRunner.ModelResult::built).map(ModelRunner.ModelResult::table).toList());
      } catch (IllegalStateException e) {
        refused = e.getMessage();
      }
    }
    history.record(runId, started, Instant.now(), writes, gated.gatesPassed() && refused == null);
    return new Outcome(runId, seeds, results, findings, checks, branch, published, refused);
  }

  private UnchangedModels planFrom(RunHistory.LastPublished last, Models models, SnapshotPins pins, Instant now) {
    TableSnapshots snapshots = new TableSnapshots(lakehouse.spark());
    java.util.function.Function<String, Long> current = t -> snapshots.current(t).map(TableSnapshots.TableSnapshot::snapshotId).orElse(null);
    return new UnchangedModels(models, last.tables(), last.startedAt() == null ? null : LocalDate.ofInstant(last.startedAt(), UK),
        LocalDate.ofInstant(now, UK), t -> pins.snapshots().containsKey(t) ? pins.snapshotOf(t) : current.apply(t), current);
  }

  /**
   * The periods a period-keyed model must rebuild, or null to rebuild it whole: only when everything else it reads is
   * unchanged and its sliced input either was itself sliced in this build (the same periods) or is a landed table that
   * has only had rows appended since the last published build read it (the periods of those rows).
   */
  private PeriodSlice sliceFor(Model model, UnchangedModels plan, SnapshotPins pins, Map<String, PeriodSlice> slices) {
    if (!plan.canSlice(model)) {
      return null;
    }
    String input = model.slicing().input();
    if (slices.containsKey(input)) {
      return slices.get(input);
    }
    if (!pins.snapshots().containsKey(input)) {
      return null; // a model input rebuilt whole: every period may have changed
    }
    return PeriodSlice.appendedBetween(lakehouse.spark(), input, plan.recordedInput(model, input), pins.snapshotOf(input), model.slicing())
        .orElse(null);
  }

  /** Row count and an order-free hash of the rows: equal digests, same rows. */
  private static Row digest(SparkSession spark, String table) {
    return spark.sql("SELECT count(*), coalesce(sum(xxhash64(to_json(struct(*)))), 0) FROM " + table).first();
  }
}
