package org.carelake.transforms;

import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Which models a build can leave as they are: those for which nothing they read has changed since the last published
 * build. A model is unchanged when
 * <ul>
 *   <li>the last published build built or kept it, from the same SQL and contract (its fingerprint);</li>
 *   <li>its table's main is still the snapshot that build recorded (no rollback or other write since);</li>
 *   <li>every raw and ref table it reads is at the snapshot that build read it at;</li>
 *   <li>every model it reads is unchanged in this build: left alone, or rebuilt with the same rows
 *       ({@link #sameRows});</li>
 *   <li>it does not read today's date, or the date has not changed since that build.</li>
 * </ul>
 * A returns-only month leaves the CQC chain alone, a build with nothing new leaves every table alone. Decisions are
 * asked in build order ({@link #canKeep}); the record of the last build is all it reads.
 */
public final class UnchangedModels {

  /** What the last published build recorded of one table. */
  public record Recorded(Long snapshotId, Map<String, Long> inputSnapshots, String modelFingerprint) {}

  private final Set<String> modelTables = new LinkedHashSet<>();
  private final Map<String, Recorded> last;
  private final boolean sameDay;
  private final Function<String, Long> sourceSnapshot;
  private final Function<String, Long> mainSnapshot;
  private final Set<String> unchanged = new LinkedHashSet<>();

  /**
   * @param last the last published build's record of each model table (empty map when there is none)
   * @param lastBuildDate the day that build ran (Europe/London), null when there is none
   * @param sourceSnapshot the snapshot this build reads a raw or ref table at (null when the table has none)
   * @param mainSnapshot the current main snapshot of a model table (null when it has none)
   */
  public UnchangedModels(Models models, Map<String, Recorded> last, LocalDate lastBuildDate, LocalDate today,
      Function<String, Long> sourceSnapshot, Function<String, Long> mainSnapshot) {
    models.all().forEach(m -> modelTables.add(m.table()));
    this.last = Map.copyOf(last);
    this.sameDay = today.equals(lastBuildDate);
    this.sourceSnapshot = sourceSnapshot;
    this.mainSnapshot = mainSnapshot;
  }

  /** Whether the model can be left as it is; when it can, the models after it count it as unchanged. */
  public boolean canKeep(Model m) {
    if (!unchangedInputs(m)) {
      return false;
    }
    Recorded before = last.get(m.table());
    if (before.snapshotId() == null || !before.snapshotId().equals(mainSnapshot.apply(m.table()))) {
      return false;
    }
    unchanged.add(m.table());
    return true;
  }

  /**
   * Whether the model, its query and the date are as the last build had them and everything it reads is unchanged:
   * then rebuilding it gives the same rows. Also true of a model whose table has moved since (rolled back): it must
   * be rebuilt, but its rows will be what they were.
   */
  public boolean unchangedInputs(Model m) {
    return unchangedExcept(m, null);
  }

  /**
   * Whether a period-keyed model can be rebuilt for a slice of its periods alone: it is as the last published build
   * left it (same query and contract, its table's main not moved since), and everything it reads except its sliced
   * input is unchanged. The slice then comes from what was appended to that input since {@link #recordedInput}.
   */
  public boolean canSlice(Model m) {
    if (m.slicing() == null || !unchangedExcept(m, m.slicing().input())) {
      return false;
    }
    Recorded before = last.get(m.table());
    return before.snapshotId() != null && before.snapshotId().equals(mainSnapshot.apply(m.table()));
  }

  /** The snapshot the last published build read an input of this model at, null when it did not record one. */
  public Long recordedInput(Model m, String input) {
    Recorded before = last.get(m.table());
    return before == null ? null : before.inputSnapshots().get(input);
  }

  private boolean unchangedExcept(Model m, String except) {
    Recorded before = last.get(m.table());
    if (before == null || !m.fingerprint().equals(before.modelFingerprint()) || (m.readsTodaysDate() && !sameDay)) {
      return false;
    }
    for (String input : m.inputs()) {
      if (input.equals(except)) {
        continue;
      }
      boolean same = modelTables.contains(input) ? unchanged.contains(input)
          : before.inputSnapshots().containsKey(input) && Objects.equals(before.inputSnapshots().get(input), sourceSnapshot.apply(input));
      if (!same) {
        return false;
      }
    }
    return true;
  }

  /**
   * A model this build ran whose rows turned out the same as main's (e.g. contracts judged active at a new as-of date,
   * none starting or ending): the models after it count it as unchanged.
   */
  public void sameRows(String table) {
    unchanged.add(table);
  }

  /** The tables counted as unchanged so far. */
  public Set<String> unchanged() {
    return Set.copyOf(unchanged);
  }

  /** Which models can be left as they are, asked in build order: with nothing rebuilt, for a plan or a test. */
  public static Set<String> find(Models models, Map<String, Recorded> last, LocalDate lastBuildDate, LocalDate today,
      Function<String, Long> sourceSnapshot, Function<String, Long> mainSnapshot) {
    UnchangedModels plan = new UnchangedModels(models, last, lastBuildDate, today, sourceSnapshot, mainSnapshot);
    Set<String> out = new LinkedHashSet<>();
    for (Model m : models.all()) {
      if (plan.canKeep(m)) {
        out.add(m.table());
      }
    }
    return out;
  }
}
