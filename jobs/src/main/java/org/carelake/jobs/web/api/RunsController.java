package org.carelake.jobs.web.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.carelake.jobs.service.api.RunHistoryQuery;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Run history: what each build read and wrote. */
@RestController
@RequestMapping("/api/v1/runs")
@Tag(name = "Run history", description = "Each build: the snapshot of every table it read and wrote, row counts and duration")
public class RunsController {

  private final RunHistoryQuery runs;

  public RunsController(RunHistoryQuery runs) {
    this.runs = runs;
  }

  @GetMapping
  @Operation(summary = "Builds, newest first")
  public List<RunHistoryQuery.Run> list(@RequestParam(defaultValue = "50") int limit) {
    return runs.runs(limit);
  }

  @GetMapping("/{runId}")
  @Operation(summary = "One build: every table written with its snapshot, rows and duration, and the snapshots of the tables it read")
  public RunHistoryQuery.RunDetail run(@PathVariable String runId) {
    return runs.run(runId);
  }
}
