package org.carelake.jobs.service.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;

/**
 * A data set written by {@code generate --scale national}, split into the history and the newest month: the
 * history is landed and built first; the newest month arrives afterwards, for the incremental refresh.
 */
public record BenchmarkData(Path dir, List<Path> historyReturns, List<Path> newMonthReturns, List<Path> historyCqc, Path newMonthCqc, Path contracts,
    Path visits, Path safeguarding, Path contractActions) {

  public static BenchmarkData of(Path dir) {
    Path returns = dir.resolve("returns");
    Path cqc = dir.resolve("cqc");
    if (!Files.isDirectory(returns) || !Files.isDirectory(cqc) || !Files.isRegularFile(dir.resolve("contracts.csv"))) {
      throw new IllegalArgumentException(dir + " is not a national data set (returns/, cqc/, contracts.csv): write one with "
          + "'./carelake generate --scale national --out " + dir + "'");
    }
    List<Path> months = list(returns).stream().filter(Files::isDirectory).filter(p -> p.getFileName().toString().matches("\\d{4}-\\d{2}"))
        .sorted().toList();
    if (months.size() < 2) {
      throw new IllegalArgumentException(returns + ": at least two months of returns are needed");
    }
    Path last = months.get(months.size() - 1);
    List<Path> history = months.subList(0, months.size() - 1).stream().flatMap(m -> list(m).stream()).filter(BenchmarkData::isCsv).sorted().toList();
    List<Path> newest = list(last).stream().filter(BenchmarkData::isCsv).sorted().toList();
    List<Path> snapshots = list(cqc).stream().filter(p -> p.getFileName().toString().matches("asc_locations_\\d{4}-\\d{2}-\\d{2}\\.csv")).sorted()
        .toList();
    if (snapshots.size() < 2) {
      throw new IllegalArgumentException(cqc + ": at least two monthly CQC exports are needed");
    }
    return new BenchmarkData(dir, history, newest, snapshots.subList(0, snapshots.size() - 1), snapshots.get(snapshots.size() - 1),
        dir.resolve("contracts.csv"), dir.resolve("visits.csv"), dir.resolve("safeguarding.csv"), dir.resolve("contract_actions.csv"));
  }

  public static LocalDate snapshotDate(Path cqcFile) {
    String n = cqcFile.getFileName().toString();
    return LocalDate.parse(n.substring("asc_locations_".length(), n.length() - ".csv".length()));
  }

  public long historyReturnBytes() {
    return historyReturns.stream().mapToLong(p -> p.toFile().length()).sum();
  }

  private static boolean isCsv(Path p) {
    return Files.isRegularFile(p) && p.getFileName().toString().endsWith(".csv");
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }
}
