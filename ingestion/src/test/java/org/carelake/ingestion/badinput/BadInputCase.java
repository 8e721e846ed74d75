package org.carelake.ingestion.badinput;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * One row of {@code bad-input/cases.csv}: a file of the corpus (or one built at test time), the stream whose entry
 * point reads it, what is wrong with it, and what the product must do: refuse it whole with a reason containing
 * {@code expectedReason}, or quarantine exactly {@code rowsQuarantined} of {@code rowsRead} rows under the
 * {@code expectedRules} and land the rest.
 *
 * @param uploadName for a portal upload, the name the client sends (blank: the file's own name)
 */
record BadInputCase(String file, String stream, String category, String whatIsWrong, Outcome expectedOutcome, Set<String> expectedRules,
    String expectedReason, long rowsRead, long rowsLanded, long rowsQuarantined, String uploadName) {

  public enum Outcome { REJECTED, QUARANTINED }

  /** Files built by the test rather than committed (e.g. an upload past the portal's size limit) are named so. */
  public static final String GENERATED = "generated:";

  static Set<String> rules(String text) {
    return text.isBlank() ? Set.of() : new TreeSet<>(Arrays.asList(text.split("\\|")));
  }

  public boolean generated() {
    return file.startsWith(GENERATED);
  }

  /** The committed file, under the corpus folder. */
  public Path path(Path corpus) {
    if (generated()) {
      throw new IllegalStateException(file + " is built at test time, not read from the corpus");
    }
    return corpus.resolve(file);
  }

  /** The name the product is given: the upload name when one is set, else the file's own name. */
  public String presentedName() {
    String own = generated() ? file.substring(GENERATED.length()) : Path.of(file).getFileName().toString();
    return uploadName.isBlank() ? own : uploadName;
  }

  /** For JUnit's display: stream and file. */
  @Override
  public String toString() {
    return stream + ": " + file;
  }
}
