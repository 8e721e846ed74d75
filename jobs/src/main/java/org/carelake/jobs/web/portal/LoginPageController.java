package org.carelake.jobs.web.portal;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The sign-in page (embedded users); Spring Security handles the POST. */
@Controller
public class LoginPageController {

  @GetMapping("/login")
  public String login() {
    return "login";
  }
}
