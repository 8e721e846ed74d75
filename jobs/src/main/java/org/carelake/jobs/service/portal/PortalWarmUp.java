package org.carelake.jobs.service.portal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.carelake.jobs.config.PortalProperties;
import org.carelake.jobs.service.Lakehouse;
import org.carelake.jobs.service.SubmissionCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The first checks in a JVM are slow while Spark's planner is compiled (tens of seconds cold, about 3 s warm): when
 * the service starts, the latest landed return is checked a few times in the background, landing nothing, so a
 * provider's first upload meets a warm JVM.
 */
@Component
public class PortalWarmUp {

  private static final Logger LOG = LoggerFactory.getLogger(PortalWarmUp.class);

  private final Lakehouse lakehouse;
  private final SubmissionCheck check;
  private final PortalProperties properties;

  public PortalWarmUp(Lakehouse lakehouse, SubmissionCheck check, PortalProperties properties) {
    this.lakehouse = lakehouse;
    this.check = check;
    this.properties = properties;
  }

  @EventListener
  public void onReady(ApplicationReadyEvent e) {
    if (!(e.getApplicationContext() instanceof WebServerApplicationContext) || properties.getWarmUpChecks() <= 0) {
      return;
    }
    Thread t = new Thread(this::warmUp, "portal-warm-up");
    t.setDaemon(true);
    t.start();
  }

  void warmUp() {
    try {
      if (!lakehouse.spark().catalog().tableExists("raw.return_measure")) {
        return;
      }
      List<Row> rows = lakehouse.spark().sql("""
          WITH latest AS (SELECT _source_sha256 FROM raw.return_measure ORDER BY _ingested_at DESC, submitted_at DESC LIMIT 1)
          SELECT provider_id, location_id, return_type, period_start, period_end, measure_code, value
          FROM raw.return_measure WHERE _source_sha256 = (SELECT _source_sha256 FROM latest) ORDER BY _source_row""").collectAsList();
      if (rows.isEmpty()) {
        return;
      }
      StringBuilder csv = new StringBuilder("provider_id,location_id,return_type,period_start,period_end,measure_code,value\n");
      for (Row r : rows) {
        for (int i = 0; i < r.size(); i++) {
          csv.append(i == 0 ? "" : ",").append(r.isNullAt(i) ? "" : r.get(i).toString().replace(",", " "));
        }
        csv.append('\n');
      }
      byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < properties.getWarmUpChecks(); i++) {
        SubmissionCheck.Outcome o = check.check("warm-up.csv", bytes, Instant.now());
        LOG.info("portal warm-up check {} of {}: {} ms", i + 1, properties.getWarmUpChecks(), o.took().toMillis());
      }
    } catch (RuntimeException ex) {
      LOG.warn("portal warm-up skipped: {}", ex.getMessage());
    }
  }
}
