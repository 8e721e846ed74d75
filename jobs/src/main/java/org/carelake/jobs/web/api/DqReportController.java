package org.carelake.jobs.web.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.carelake.jobs.service.api.TableQuery;
import org.carelake.jobs.service.dqreport.DqReportService;
import org.carelake.jobs.service.dqreport.PeriodRange;
import org.carelake.jobs.web.security.Actor;
import org.carelake.jobs.web.security.AuditLog;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The data-quality report for one provider, as the page {@code dq-report} writes: for council users any provider,
 * for a provider user its own (another provider's id answers 404 and is audited).
 */
@RestController
@Tag(name = "Data-quality report", description = "Timeliness and accuracy against 95%, late and missing returns, every finding with its evidence")
public class DqReportController {

  private final DqReportService reports;
  private final AuditLog audit;

  public DqReportController(DqReportService reports, AuditLog audit) {
    this.reports = reports;
    this.audit = audit;
  }

  @GetMapping(path = {"/api/v1/dq-report/providers/{providerId}", "/api/v1/portal/dq-report/{providerId}"}, produces = {MediaType.TEXT_HTML_VALUE, "text/csv"})
  @Operation(summary = "One provider's data-quality report, as HTML (default) or its findings as CSV (format=csv)")
  public ResponseEntity<String> provider(Authentication auth, HttpServletRequest request, @PathVariable String providerId,
      @RequestParam(required = false) @Parameter(description = "YYYY-MM or YYYY-MM..YYYY-MM") String period,
      @RequestParam(required = false) String format) throws IOException {
    Actor actor = Actor.of(auth);
    if (!actor.mayActFor(providerId)) {
      audit.record(AuditLog.Event.ACCESS_DENIED, actor.username(), request.getRemoteAddr(), "GET", request.getRequestURI(),
          "data-quality report of another provider", Map.of("requested", providerId));
      throw new TableQuery.NotFoundException("no provider " + providerId + " among yours");
    }
    Optional<PeriodRange> range = period == null || period.isBlank() ? Optional.empty() : Optional.of(PeriodRange.parse(period)); // bad: 400
    Path dir = Files.createTempDirectory("carelake-dq-report");
    try {
      DqReportService.Outcome o = reports.provider(providerId, range, dir);
      boolean csv = "csv".equalsIgnoreCase(format);
      Path file = o.files().stream().filter(f -> f.getFileName().toString().endsWith(csv ? ".csv" : ".html")).findFirst().orElseThrow();
      return ResponseEntity.ok().contentType(csv ? new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8) : MediaType.TEXT_HTML)
          .body(Files.readString(file));
    } catch (IllegalArgumentException e) {
      throw new TableQuery.NotFoundException(e.getMessage());
    } finally {
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
