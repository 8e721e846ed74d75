package org.carelake.jobs.web.api;

import java.time.Instant;
import org.carelake.ingestion.UnreadableSourceException;
import org.carelake.jobs.service.api.TableQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.multipart.MaxUploadSizeExceededException;

/** Errors as RFC 9457 problem details, with a message that says what to change; never a stack trace. */
@RestControllerAdvice(basePackages = "org.carelake.jobs.web")
public class ApiErrors {

  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

  @ExceptionHandler(TableQuery.NotFoundException.class)
  public ProblemDetail notFound(TableQuery.NotFoundException e) {
    return problem(HttpStatus.NOT_FOUND, e.getMessage());
  }

  @ExceptionHandler({IllegalArgumentException.class, UnreadableSourceException.class})
  public ProblemDetail badRequest(RuntimeException e) {
    return problem(HttpStatus.BAD_REQUEST, e.getMessage());
  }

  @ExceptionHandler(org.carelake.jobs.service.portal.ReturnUploads.ForbiddenUpload.class)
  public ProblemDetail forbidden(RuntimeException e) {
    return problem(HttpStatus.FORBIDDEN, e.getMessage());
  }

  @ExceptionHandler(MaxUploadSizeExceededException.class)
  public ProblemDetail tooLarge(MaxUploadSizeExceededException e) {
    return problem(HttpStatus.PAYLOAD_TOO_LARGE, "the file is larger than the portal accepts (" + e.getMaxUploadSize() + " bytes)");
  }

  @ExceptionHandler(AccessDeniedException.class)
  public ProblemDetail denied(AccessDeniedException e) {
    throw e; // left to Spring Security, which audits and answers 403
  }

  @ExceptionHandler(RuntimeException.class)
  public ProblemDetail failed(RuntimeException e) {
    LOG.error("request failed", e);
    return problem(HttpStatus.INTERNAL_SERVER_ERROR, "the request failed: " + e.getMessage());
  }

  static ProblemDetail problem(HttpStatus status, String detail) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
    p.setProperty("timestamp", Instant.now().toString());
    return p;
  }
}
