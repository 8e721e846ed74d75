package org.carelake.jobs.web.portal;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.List;
import org.carelake.jobs.service.api.TableQuery;
import org.carelake.jobs.service.portal.PortalViews;
import org.carelake.jobs.service.portal.ReturnUploads;
import org.carelake.jobs.web.security.Actor;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** The provider portal's API: upload a return and see its findings at once; list your own uploads, submissions and findings. */
@RestController
@RequestMapping("/api/v1/portal")
@Tag(name = "Provider portal", description = "A provider user sees only its own provider's data; a council user sees every provider")
public class PortalApiController {

  private final ReturnUploads uploads;
  private final PortalViews views;

  public PortalApiController(ReturnUploads uploads, PortalViews views) {
    this.uploads = uploads;
    this.views = views;
  }

  @PostMapping(path = "/returns", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
  @Operation(summary = "Upload a monitoring return (CSV or the council's XLSX workbook): landed, and its findings returned at once",
      description = "201 with the findings when landed (findings with severity error make it an inaccurate submission); 400 when the file is not "
          + "a return; 403 when it names another provider (nothing landed); 413 when too large.")
  public ResponseEntity<ReturnUploads.Result> upload(Authentication auth, HttpServletRequest request,
      @RequestPart("file") MultipartFile file,
      @RequestParam(name = "provider_id", required = false) @Parameter(description = "optional; must be your own provider") String providerId)
      throws IOException {
    ReturnUploads.Result r = uploads.upload(Actor.of(auth), file.getOriginalFilename(), file.getBytes(), providerId, request.getRemoteAddr());
    HttpStatus status = r.outcome().equals("refused") ? HttpStatus.BAD_REQUEST : r.outcome().equals("landed") ? HttpStatus.CREATED : HttpStatus.OK;
    return ResponseEntity.status(status).body(r);
  }

  @GetMapping("/uploads")
  @Operation(summary = "Your uploads, newest first, with the findings shown at upload")
  public TableQuery.Page uploads(Authentication auth, HttpServletRequest request, @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "50") int size, @RequestParam MultiValueMap<String, String> params) {
    return view(auth, request, PortalViews.View.UPLOADS, page, size, params);
  }

  @GetMapping("/uploads/{uploadId}")
  @Operation(summary = "One of your uploads")
  public JsonNode upload(Authentication auth, HttpServletRequest request, @PathVariable String uploadId) {
    return views.upload(Actor.of(auth), uploadId, request.getRemoteAddr(), request.getRequestURI());
  }

  @GetMapping("/submissions")
  @Operation(summary = "Your expected returns: received or not, on time or how late, accurate or not (mart_submission_quality)")
  public TableQuery.Page submissions(Authentication auth, HttpServletRequest request, @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "100") int size, @RequestParam MultiValueMap<String, String> params) {
    return view(auth, request, PortalViews.View.SUBMISSIONS, page, size, params);
  }

  @GetMapping("/findings")
  @Operation(summary = "The data-quality findings on your returns, in plain words (dq.submission_finding)")
  public TableQuery.Page findings(Authentication auth, HttpServletRequest request, @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "100") int size, @RequestParam MultiValueMap<String, String> params) {
    return view(auth, request, PortalViews.View.FINDINGS, page, size, params);
  }

  private TableQuery.Page view(Authentication auth, HttpServletRequest request, PortalViews.View view, int page, int size,
      MultiValueMap<String, String> params) {
    List<String> sort = params.get("sort");
    return views.page(Actor.of(auth), view, org.carelake.jobs.web.api.TablesController.filters(params), sort, page, size,
        request.getRemoteAddr(), request.getRequestURI());
  }
}
