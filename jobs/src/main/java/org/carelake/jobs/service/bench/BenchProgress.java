package org.carelake.jobs.service.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The phases a bench run has finished, kept in its home. A national run takes longer than one sitting on a small
 * machine; with this a run stopped part-way carries on from the last finished phase, and each phase keeps the commit
 * it was measured on. Written whole to a temporary file and moved over, so a kill never leaves half a ledger.
 */
public final class BenchProgress {

  /** One finished phase: its printed steps, the figures later phases need, its notes, and when and on what it ran. */
  public record Phase(String name, String commit, double seconds, String finished, List<NationalBenchmark.Step> steps, Map<String, Double> figures,
      List<String> notes) {
    public Phase {
      steps = List.copyOf(steps);
      figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
      notes = List.copyOf(notes);
    }
  }

  record Ledger(String dataDir, List<Phase> phases) {}

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path file;
  private final String dataDir;
  private final List<Phase> phases;

  private BenchProgress(Path file, String dataDir, List<Phase> phases) {
    this.file = file;
    this.dataDir = dataDir;
    this.phases = new ArrayList<>(phases);
  }

  /** A new run over the data set in dataDir; nothing is written until the first phase finishes. */
  public static BenchProgress start(Path file, Path dataDir) {
    return new BenchProgress(file, dataDir.toString(), List.of());
  }

  /** The run recorded in file, if there is one; refused when it was over another data set. */
  public static Optional<BenchProgress> resume(Path file, Path dataDir) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Ledger l;
    try {
      l = JSON.readValue(file.toFile(), Ledger.class);
    } catch (IOException e) {
      throw new IllegalStateException(file + ": not a bench ledger (" + e.getMessage() + "); start a new run without --resume", e);
    }
    if (!l.dataDir().equals(dataDir.toString())) {
      throw new IllegalStateException(file + ": that run was over " + l.dataDir() + ", not " + dataDir + "; start a new run without --resume");
    }
    return Optional.of(new BenchProgress(file, l.dataDir(), l.phases()));
  }

  public Optional<Phase> done(String phase) {
    return phases.stream().filter(p -> p.name().equals(phase)).findFirst();
  }

  public List<Phase> phases() {
    return List.copyOf(phases);
  }

  /** Records a finished phase and writes the ledger. */
  public void finish(Phase phase) {
    if (done(phase.name()).isPresent()) {
      throw new IllegalStateException("phase " + phase.name() + " is already recorded in " + file);
    }
    phases.add(phase);
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.createDirectories(file.getParent());
      JSON.writeValue(tmp.toFile(), new Ledger(dataDir, phases));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the bench ledger " + file + ": " + e.getMessage(), e);
    }
  }

  /** Every figure a finished phase recorded (empty when the phase has not run). */
  public Map<String, Double> figures(String phase) {
    return done(phase).map(p -> Map.copyOf(p.figures())).orElse(Map.of());
  }

  /** The figure a finished phase recorded, for a later phase's ratio. */
  public double figure(String phase, String name) {
    return done(phase).map(p -> p.figures().get(name)).orElseThrow(() -> new IllegalStateException(
        "the bench ledger " + file + " has no " + name + " from phase " + phase));
  }
}
