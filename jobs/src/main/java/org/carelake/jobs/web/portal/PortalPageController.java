package org.carelake.jobs.web.portal;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.List;
import org.carelake.jobs.service.api.TableQuery;
import org.carelake.jobs.service.portal.PortalViews;
import org.carelake.jobs.service.portal.ReturnUploads;
import org.carelake.jobs.web.security.Actor;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;

/** The portal's pages for a signed-in browser: upload a return and read the findings; your recent uploads and returns. */
@Controller
public class PortalPageController {

  private final ReturnUploads uploads;
  private final PortalViews views;

  public PortalPageController(ReturnUploads uploads, PortalViews views) {
    this.uploads = uploads;
    this.views = views;
  }

  @GetMapping("/portal")
  public String home(Authentication auth, HttpServletRequest request, Model model) {
    Actor actor = Actor.of(auth);
    model.addAttribute("actor", actor);
    model.addAttribute("uploads", views.page(actor, PortalViews.View.UPLOADS, List.of(), List.of(), 0, 20, request.getRemoteAddr(),
        request.getRequestURI()).rows());
    model.addAttribute("submissions", submissions(actor, request));
    return "portal/home";
  }

  @PostMapping("/portal/returns")
  public String upload(Authentication auth, HttpServletRequest request, @RequestParam("file") MultipartFile file, Model model) throws IOException {
    Actor actor = Actor.of(auth);
    model.addAttribute("actor", actor);
    try {
      model.addAttribute("result", uploads.upload(actor, file.getOriginalFilename(), file.getBytes(), null, request.getRemoteAddr()));
    } catch (ReturnUploads.ForbiddenUpload e) {
      model.addAttribute("forbidden", e.getMessage());
    }
    return "portal/result";
  }

  private List<com.fasterxml.jackson.databind.JsonNode> submissions(Actor actor, HttpServletRequest request) {
    try {
      return views.page(actor, PortalViews.View.SUBMISSIONS, List.of(), List.of("period_start,desc"), 0, 24, request.getRemoteAddr(),
          request.getRequestURI()).rows();
    } catch (TableQuery.NotFoundException e) {
      return List.of(); // marts not built yet
    }
  }
}
