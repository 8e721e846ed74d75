package org.carelake.jobs.service.portal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.carelake.jobs.service.api.TableQuery;
import org.carelake.jobs.web.security.Actor;
import org.carelake.jobs.web.security.AuditLog;
import org.carelake.schema.TableContract;
import org.carelake.schema.WarehouseTables;
import org.carelake.transforms.Models;
import org.springframework.stereotype.Service;

/**
 * What a portal user may read: its uploads, its expected submissions with their timeliness and accuracy, and the
 * findings on them. A provider user's provider is always added as a filter; a request naming another provider, or an
 * upload id of another provider, is refused as if it did not exist and written to the audit log.
 */
@Service
public class PortalViews {

  /** The portal's own views and the tables they read. */
  public enum View {
    UPLOADS(WarehouseTables.OPS_PORTAL_UPLOAD, "uploaded_at,desc"),
    SUBMISSIONS(Models.load().get("marts.mart_submission_quality").contract(), "period_start,desc"),
    FINDINGS(Models.load().get("dq.submission_finding").contract(), "period_start,desc");

    final TableContract contract;
    final String defaultSort;

    View(TableContract contract, String defaultSort) {
      this.contract = contract;
      this.defaultSort = defaultSort;
    }
  }

  /** A provider asked for another provider's data: answered 404, audited. */
  public static final class NotYours extends TableQuery.NotFoundException {
    public NotYours(String message) {
      super(message);
    }
  }

  private final TableQuery query;
  private final AuditLog audit;

  public PortalViews(TableQuery query, AuditLog audit) {
    this.query = query;
    this.audit = audit;
  }

  public TableQuery.Page page(Actor actor, View view, List<TableQuery.Filter> filters, List<String> sort, int page, int size, String remote,
      String path) {
    List<TableQuery.Filter> scoped = new ArrayList<>();
    for (TableQuery.Filter f : filters) {
      if (f.column().equals("provider_id") && !actor.isCouncil()) {
        boolean foreign = f.values().stream().anyMatch(v -> !actor.mayActFor(v)) || f.from() != null || f.to() != null;
        if (foreign) {
          audit.record(AuditLog.Event.ACCESS_DENIED, actor.username(), remote, "GET", path, "provider filter names another provider",
              Map.of("requested", String.join(",", f.values())));
          throw new NotYours("no such provider among yours");
        }
        continue;
      }
      scoped.add(f);
    }
    if (!actor.isCouncil()) {
      scoped.add(new TableQuery.Filter("provider_id", List.of(actor.providerId()), null, null));
    }
    List<String> order = sort == null || sort.isEmpty() ? List.of(view.defaultSort) : sort;
    return query.query(view.contract, new TableQuery.Request(view.contract.name(), scoped, order, page, size, null));
  }

  /** One upload, only if it is the actor's provider's (or the actor is a council user). */
  public JsonNode upload(Actor actor, String uploadId, String remote, String path) {
    TableQuery.Page p = query.query(View.UPLOADS.contract, new TableQuery.Request(View.UPLOADS.contract.name(),
        List.of(new TableQuery.Filter("upload_id", List.of(uploadId), null, null)), List.of(), 0, 1, null));
    JsonNode row = p.rows().isEmpty() ? null : p.rows().get(0);
    if (row == null) {
      throw new TableQuery.NotFoundException("no upload " + uploadId);
    }
    String provider = row.path("provider_id").isNull() ? null : row.path("provider_id").asText();
    boolean own = actor.isCouncil() || (provider != null && actor.mayActFor(provider));
    if (!own) {
      audit.record(AuditLog.Event.ACCESS_DENIED, actor.username(), remote, "GET", path, "upload of another provider",
          Map.of("upload_id", uploadId));
      throw new NotYours("no upload " + uploadId);
    }
    return row;
  }
}
