package org.carelake.jobs.service;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.carelake.ingestion.privacy.Pseudonymiser;
import org.carelake.schema.maintenance.ErasureLog;
import org.carelake.schema.maintenance.WarehouseErasure;
import org.springframework.stereotype.Service;

/**
 * Erases people's safeguarding records for good ({@code erase}): each person reference is hashed with the
 * pseudonymisation key, exactly as ingestion hashed it, and every table, snapshot, branch, tag and file holding that
 * key loses it ({@link WarehouseErasure}). The erasure is logged in {@code ops.erasure_log} without the reference or
 * the key. Neither is ever printed.
 */
@Service
public class PersonErasure {

  /** The request cannot be carried out as given (no person, a reason that names one): nothing was changed. */
  public static class RefusedException extends IllegalArgumentException {
    RefusedException(String message) {
      super(message);
    }
  }

  /** What was done: the log's erasure id (null for a dry run), the erasure and the passes it took. */
  public record Outcome(String erasureId, int persons, WarehouseErasure.Result result, int passes) {}

  /** Passes before giving up when a write in flight (a build that read the raw tables before) brings their rows back. */
  static final int MAX_PASSES = 3;

  private final Lakehouse lakehouse;
  private final PseudonymisationKeys keys;

  public PersonErasure(Lakehouse lakehouse, PseudonymisationKeys keys) {
    this.lakehouse = lakehouse;
    this.keys = keys;
  }

  /** The references as given, without blank lines, {@code #} comments and repeats. */
  public static List<String> references(List<String> lines) {
    Set<String> out = new LinkedHashSet<>();
    for (String line : lines) {
      String s = line == null ? "" : line.strip();
      if (!s.isEmpty() && !s.startsWith("#")) {
        out.add(s);
      }
    }
    return new ArrayList<>(out);
  }

  public Outcome erase(List<String> personRefs, String reason, boolean dryRun, Duration orphanMargin) {
    List<String> refs = references(personRefs);
    if (refs.isEmpty()) {
      throw new RefusedException("no person reference given (--person-ref, or --person-refs-file with one per line, '-' for standard input)");
    }
    Pseudonymiser pseudonymiser = keys.require();
    Set<String> personKeys = new LinkedHashSet<>();
    for (String ref : refs) {
      personKeys.add(pseudonymiser.personKey(ref));
    }
    if (reason != null && namesAPerson(reason, refs, personKeys)) {
      throw new RefusedException("the reason names a person being erased: it is kept in ops.erasure_log, which must not identify them."
          + " Give a reason without the reference (e.g. a case number of the erasure request). Nothing was changed.");
    }
    WarehouseErasure erasure = new WarehouseErasure(lakehouse.spark(), personKeys, orphanMargin);
    if (dryRun) {
      return new Outcome(null, refs.size(), erasure.plan(), 0);
    }
    WarehouseErasure.Result first = erasure.erase();
    WarehouseErasure.Result last = first;
    int passes = 1;
    List<WarehouseErasure.TableErasure> all = new ArrayList<>(first.tables());
    while (!last.stillHolding().isEmpty() && passes < MAX_PASSES) {
      last = erasure.erase();
      passes++;
      all.addAll(last.tables());
    }
    WarehouseErasure.Result merged = new WarehouseErasure.Result(false, first.startedAt(), last.finishedAt(), first.tablesSearched(),
        mergeByTable(all), last.stillHolding());
    String id = UUID.randomUUID().toString();
    new ErasureLog(lakehouse.spark()).record(id, requestedBy(), reason, refs.size(), merged);
    return new Outcome(id, refs.size(), merged, passes);
  }

  private static boolean namesAPerson(String reason, List<String> refs, Set<String> personKeys) {
    String loose = reason.replaceAll("\\s+", "").toUpperCase(Locale.ROOT);
    for (String ref : refs) {
      if (loose.contains(ref.replaceAll("\\s+", "").toUpperCase(Locale.ROOT))) {
        return true;
      }
    }
    return personKeys.stream().anyMatch(k -> reason.toLowerCase(Locale.ROOT).contains(k));
  }

  private static List<WarehouseErasure.TableErasure> mergeByTable(List<WarehouseErasure.TableErasure> all) {
    java.util.Map<String, WarehouseErasure.TableErasure> out = new java.util.LinkedHashMap<>();
    for (WarehouseErasure.TableErasure t : all) {
      out.merge(t.table(), t, (a, b) -> new WarehouseErasure.TableErasure(a.table(), a.rowsDeleted() + b.rowsDeleted(), a.snapshotsBefore(),
          a.snapshotsExpired() + b.snapshotsExpired(), concat(a.refsDropped(), b.refsDropped()), a.dataFilesDeleted() + b.dataFilesDeleted(),
          a.metadataFilesDeleted() + b.metadataFilesDeleted(), concat(a.orphanFilesDeleted(), b.orphanFilesDeleted()), b.orphanFilesLeft()));
    }
    return new ArrayList<>(out.values());
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static String requestedBy() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "unknown-host";
    }
    return System.getProperty("user.name", "unknown") + "@" + host;
  }
}
