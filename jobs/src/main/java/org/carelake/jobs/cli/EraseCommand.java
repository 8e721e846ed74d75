package org.carelake.jobs.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.carelake.jobs.service.PersonErasure;
import org.carelake.jobs.service.TextTable;
import org.carelake.schema.maintenance.WarehouseErasure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "erase", mixinStandardHelpOptions = true,
    description = {"Erases a person's safeguarding records for good (a right-to-erasure request): the reference is hashed with the",
        "pseudonymisation key as on ingest, and every table holding that key (the raw log, the quarantine, the models built",
        "from them) loses the rows; older snapshots, branches and tags that still hold them are expired or dropped, and their",
        "files deleted, so time travel to before the erasure ends for those tables. Logged in ops.erasure_log without the",
        "reference or its key. Give references in a file or on standard input to keep them out of the shell history."})
public class EraseCommand implements Callable<Integer> {

  private final PersonErasure erasure;

  public EraseCommand(PersonErasure erasure) {
    this.erasure = erasure;
  }

  @Option(names = "--person-ref", paramLabel = "REF", description = "a person reference as in the safeguarding log (repeatable)")
  List<String> personRefs = new ArrayList<>();

  @Option(names = "--person-refs-file", paramLabel = "FILE", description = "a file of person references, one per line ('-': standard input)")
  String refsFile;

  @Option(names = "--reason", paramLabel = "TEXT", description = "why (kept in ops.erasure_log; must not name the person), e.g. the request's case number")
  String reason;

  @Option(names = "--orphan-margin-minutes", paramLabel = "N", defaultValue = "60",
      description = "orphan files holding their rows younger than N minutes may belong to a write in flight and are left (default 60)")
  int orphanMarginMinutes;

  @Option(names = "--dry-run", description = "report what would be erased; change nothing")
  boolean dryRun;

  @Override
  public Integer call() throws IOException {
    if (orphanMarginMinutes < 0) {
      System.err.println("erase: --orphan-margin-minutes must be >= 0");
      return 2;
    }
    List<String> refs = new ArrayList<>(personRefs);
    if (refsFile != null) {
      if (refsFile.equals("-")) {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        in.lines().forEach(refs::add);
      } else {
        refs.addAll(Files.readAllLines(Path.of(refsFile), StandardCharsets.UTF_8));
      }
    }
    PersonErasure.Outcome o;
    try {
      o = erasure.erase(refs, reason, dryRun, Duration.ofMinutes(orphanMarginMinutes));
    } catch (PersonErasure.RefusedException e) {
      System.err.println("erase: " + e.getMessage());
      return 2;
    }
    print(o, dryRun);
    return o.result().stillHolding().isEmpty() ? 0 : 1;
  }

  /** The officer's report of an erasure (or of a dry run). */
  public static void print(PersonErasure.Outcome o, boolean dryRun) {
    WarehouseErasure.Result r = o.result();
    String who = o.persons() == 1 ? "1 person" : o.persons() + " people";
    System.out.printf("%s: %s; searched %d tables that can hold a person key: %s%n", dryRun ? "erase --dry-run (nothing is changed)" : "erase",
        who, r.tablesSearched().size(), String.join(", ", r.tablesSearched()));
    if (r.nothingFound()) {
      System.out.println("nothing to erase: no table, snapshot, branch, tag or file holds a record of " + (o.persons() == 1 ? "this person" : "these people")
          + (dryRun ? "" : " (already erased, or never landed). Logged as erasure " + o.erasureId() + " (nothing_found)."));
      return;
    }
    List<Row> rows = new ArrayList<>();
    for (WarehouseErasure.TableErasure t : r.tables()) {
      rows.add(RowFactory.create(t.table(), Long.toString(t.rowsDeleted()), t.snapshotsBefore() + " / " + t.snapshotsExpired(),
          t.refsDropped().isEmpty() ? "-" : String.join(" ", t.refsDropped()),
          dryRun ? "-" : Long.toString(t.dataFilesDeleted() + t.metadataFilesDeleted()),
          t.orphanFilesDeleted().size() + (t.orphanFilesLeft().isEmpty() ? "" : " (" + t.orphanFilesLeft().size() + " left)")));
    }
    System.out.print(TextTable.render(List.of("table", dryRun ? "rows to delete" : "rows deleted",
        dryRun ? "snapshots / would expire" : "snapshots / expired", dryRun ? "branches/tags to drop" : "branches/tags dropped",
        "files deleted", dryRun ? "orphan files holding them" : "orphan files deleted"), rows));
    String tables = String.join(", ", r.tables().stream().map(WarehouseErasure.TableErasure::table).toList());
    if (dryRun) {
      System.out.printf("%d rows would be deleted; time travel to before the erasure would end for %s%n", r.rowsDeleted(), tables);
      return;
    }
    System.out.printf("erased: %d rows deleted, %d snapshots expired, %d files deleted from storage (erasure %s, logged in ops.erasure_log"
        + " without the reference or its key)%n", r.rowsDeleted(), r.snapshotsExpired(), r.filesDeleted(), o.erasureId());
    System.out.printf("time travel to before %s is no longer available for %s: asOf, VERSION AS OF and rollback to an earlier moment"
        + " cannot bring these tables back (that is the point)%n", r.startedAt(), tables);
    System.out.println("the marts count concerns, not people; the next build recounts them without these records. A source file"
        + " already landed lands nothing if sent again; a new file naming the person lands their rows again (erase again).");
    for (WarehouseErasure.TableErasure t : r.tables()) {
      for (String f : t.orphanFilesLeft()) {
        System.out.printf("left: %s holds their rows but is younger than the in-flight margin (it may belong to a write in progress);"
            + " run erase again after the margin to delete it%n", f);
      }
    }
    if (!r.stillHolding().isEmpty()) {
      System.out.printf("NOT COMPLETE after %d passes: %s still yield their rows (a write in flight wrote them back?). Run erase again"
          + " when no build or ingest is running.%n", o.passes(), String.join(", ", r.stillHolding()));
    }
  }
}
