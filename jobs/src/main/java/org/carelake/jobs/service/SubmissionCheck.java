package org.carelake.jobs.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.carelake.ingestion.Rejection;
import org.carelake.ingestion.SourceBytes;
import org.carelake.ingestion.returns.MeasureCatalogue;
import org.carelake.ingestion.returns.ReturnsIngestor;
import org.carelake.ingestion.Lander;
import org.carelake.transforms.preview.SubmissionFinding;
import org.carelake.transforms.preview.SubmissionValidator;
import org.springframework.stereotype.Service;

/**
 * Checks one uploaded return against the gate and every data-quality rule, landing nothing: what the portal shows
 * a provider the moment it uploads.
 */
@Service
public class SubmissionCheck {

  /** The outcome: rows the gate refuses (with rule and reason), findings on the rows it accepts, and the time taken. */
  public record Outcome(String file, int linesRead, List<Row> acceptedRows, List<Rejection> refused, List<SubmissionFinding> findings, Duration took) {
    public int rowsAccepted() {
      return acceptedRows.size();
    }

    public long errors() {
      return refused.size() + findings.stream().filter(SubmissionFinding::isError).count();
    }
  }

  private final Lakehouse lakehouse;
  private volatile SubmissionValidator validator;
  private volatile MeasureCatalogue catalogue;
  private volatile ReturnsIngestor gate;

  public SubmissionCheck(Lakehouse lakehouse) {
    this.lakehouse = lakehouse;
  }

  /**
   * @param uploadedAt the upload time: the submission time of a return that does not state one
   * @throws org.carelake.ingestion.UnreadableSourceException when the file is not a return at all
   */
  public synchronized Outcome check(String fileName, byte[] bytes, Instant uploadedAt) {
    long start = System.nanoTime();
    ReturnsIngestor.GateResult g = gate().check(SourceBytes.of(fileName, bytes), Optional.of(uploadedAt));
    List<SubmissionFinding> findings = validator().validate(g.rows());
    return new Outcome(fileName, g.linesRead(), g.rows(), g.rejections(), findings, Duration.ofNanos(System.nanoTime() - start));
  }

  /** Made once: a new Lander checks every warehouse table's schema, which a check of one file need not repeat. */
  private ReturnsIngestor gate() {
    if (gate == null) {
      gate = new ReturnsIngestor(new Lander(lakehouse.spark()), catalogue(), Clock.systemUTC());
    }
    return gate;
  }

  private MeasureCatalogue catalogue() {
    if (catalogue == null) {
      catalogue = MeasureCatalogue.load(lakehouse.properties().getSeedsDir());
    }
    return catalogue;
  }

  private SubmissionValidator validator() {
    if (validator == null) {
      validator = new SubmissionValidator(lakehouse.spark());
    }
    return validator;
  }
}
