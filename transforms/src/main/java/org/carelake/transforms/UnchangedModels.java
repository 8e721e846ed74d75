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
 *   <li>every model it reads is itself unchanged in this build;</li>
 *   <li>it does not read today's date, or the date has not changed since that build.</li>
 * </ul>
 * A returns-only month leaves the CQC chain alone, a build with nothing new leaves every table alone. It is a pure
 * function of what it is given.
 */
public final class UnchangedModels {

  /** What the last published build recorded of one table. */
  public record Recorded(Long snapshotId, Map<String, Long> inputSnapshots, String modelFingerprint) {}

  private UnchangedModels() {}

  /**
   * @param last the last published build's record of each model table (empty map when there is none)
   * @param lastBuildDate the day that build ran (Europe/London), null when there is none
   * @param sourceSnapshot the snapshot this build reads a raw or ref table at (null when the table has none)
   * @param mainSnapshot the current main snapshot of a model table (null when it has none)
   * @return the tables of the models that can be left as they are
   */
  public static Set<String> find(Models models, Map<String, Recorded> last, LocalDate lastBuildDate, LocalDate today,
      Function<String, Long> sourceSnapshot, Function<String, Long> mainSnapshot) {
    Set<String> modelTables = new LinkedHashSet<>();
    models.all().forEach(m -> modelTables.add(m.table()));
    Set<String> unchanged = new LinkedHashSet<>();
    for (Model m : models.all()) {
      Recorded before = last.get(m.table());
      if (before == null || before.snapshotId() == null || !m.fingerprint().equals(before.modelFingerprint())
          || !before.snapshotId().equals(mainSnapshot.apply(m.table()))
          || (m.readsTodaysDate() && !today.equals(lastBuildDate))) {
        continue;
      }
      boolean same = true;
      for (String input : m.inputs()) {
        if (modelTables.contains(input)) {
          same &= unchanged.contains(input);
        } else {
          same &= before.inputSnapshots().containsKey(input) && Objects.equals(before.inputSnapshots().get(input), sourceSnapshot.apply(input));
        }
      }
      if (same) {
        unchanged.add(m.table());
      }
    }
    return unchanged;
  }
}
