package org.carelake.jobs.web.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.carelake.jobs.config.SecurityProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;

/**
 * Two doors. {@code /api/**}: stateless, HTTP Basic against the users file, no session and so no CSRF exposure, and no
 * Basic challenge header (a browser never caches the credentials). Everything else: the portal's sign-in page (or the
 * council's OIDC provider), a session, CSRF tokens on every form. Council users may use everything; provider users
 * only the portal, where each service checks the provider again. Every refusal is written to the audit log.
 */
@Configuration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class SecurityConfig {

  private static final String[] PUBLIC = {"/actuator/health", "/actuator/health/**", "/actuator/info", "/v3/api-docs", "/v3/api-docs/**",
      "/swagger-ui.html", "/swagger-ui/**", "/login", "/error", "/portal.css"};

  private final AuditLog audit;
  private final SecurityProperties properties;

  public SecurityConfig(AuditLog audit, SecurityProperties properties) {
    this.audit = audit;
    this.properties = properties;
  }

  @Bean
  PasswordEncoder passwordEncoder() {
    return PortalUsers.encoder();
  }

  @Bean
  @Order(1)
  SecurityFilterChain api(HttpSecurity http) throws Exception {
    AuthenticationEntryPoint unauthorised = (req, res, ex) -> {
      audit(AuditLog.Event.AUTHENTICATION_REQUIRED, null, req, ex.getMessage());
      problem(res, HttpStatus.UNAUTHORIZED, "sign in with HTTP Basic (a carelake user) to use the API");
    };
    http.securityMatcher("/api/**")
        .authorizeHttpRequests(a -> a
            .requestMatchers("/api/v1/portal/**").hasAnyRole("PROVIDER", "COUNCIL")
            .anyRequest().hasRole("COUNCIL"))
        .httpBasic(b -> b.authenticationEntryPoint(unauthorised))
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(c -> c.disable())
        .exceptionHandling(e -> e.authenticationEntryPoint(unauthorised).accessDeniedHandler(denied(true)));
    return http.build();
  }

  @Bean
  @Order(2)
  SecurityFilterChain web(HttpSecurity http) throws Exception {
    http.authorizeHttpRequests(a -> a
            .requestMatchers(PUBLIC).permitAll()
            .requestMatchers("/portal", "/portal/**").hasAnyRole("PROVIDER", "COUNCIL")
            .anyRequest().hasRole("COUNCIL"))
        .exceptionHandling(e -> e.accessDeniedHandler(denied(false)).authenticationEntryPoint((req, res, ex) -> {
          audit(AuditLog.Event.AUTHENTICATION_REQUIRED, null, req, "not signed in");
          new LoginUrlAuthenticationEntryPoint(properties.oidc() ? "/oauth2/authorization/" + "carelake" : "/login").commence(req, res, ex);
        }))
        .logout(l -> l.logoutSuccessUrl("/login?logout"));
    if (properties.oidc()) {
      http.oauth2Login(o -> o.defaultSuccessUrl("/portal", true).userInfoEndpoint(u -> u.oidcUserService(oidcUsers())));
    } else {
      http.formLogin(f -> f.loginPage("/login").defaultSuccessUrl("/portal", true).permitAll());
    }
    http.headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives("default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")));
    return http.build();
  }

  /** OIDC: the role and provider come from the ID token's claims (names configurable), mapped to the same authorities as embedded users. */
  OAuth2UserService<OidcUserRequest, OidcUser> oidcUsers() {
    OidcUserService delegate = new OidcUserService();
    return request -> {
      OidcUser user = delegate.loadUser(request);
      List<GrantedAuthority> authorities = new ArrayList<>();
      Object role = user.getClaims().get(properties.getRoleClaim());
      Object provider = user.getClaims().get(properties.getProviderClaim());
      if ("council".equalsIgnoreCase(String.valueOf(role))) {
        authorities.add(new SimpleGrantedAuthority("ROLE_COUNCIL"));
      } else if ("provider".equalsIgnoreCase(String.valueOf(role)) && provider != null) {
        authorities.add(new SimpleGrantedAuthority("ROLE_PROVIDER"));
        authorities.add(new SimpleGrantedAuthority(PortalUsers.PROVIDER_AUTHORITY_PREFIX + provider));
      }
      return new DefaultOidcUser(authorities, user.getIdToken(), user.getUserInfo());
    };
  }

  private AccessDeniedHandler denied(boolean api) {
    return (req, res, ex) -> {
      var auth = SecurityContextHolder.getContext().getAuthentication();
      audit(AuditLog.Event.ACCESS_DENIED, auth == null ? null : auth.getName(), req, "role does not allow " + req.getRequestURI());
      if (api) {
        problem(res, HttpStatus.FORBIDDEN, "your role does not allow this");
      } else {
        res.sendError(HttpServletResponse.SC_FORBIDDEN, "your role does not allow this");
      }
    };
  }

  private void audit(AuditLog.Event event, String user, HttpServletRequest req, String detail) {
    audit.record(event, user, req.getRemoteAddr(), req.getMethod(), req.getRequestURI(), detail, Map.of());
  }

  static void problem(HttpServletResponse res, HttpStatus status, String detail) throws IOException {
    res.setStatus(status.value());
    res.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    res.getWriter().write("{\"status\":" + status.value() + ",\"title\":\"" + status.getReasonPhrase() + "\",\"detail\":\"" + detail + "\"}");
  }

  @EventListener
  public void loginFailed(AbstractAuthenticationFailureEvent e) {
    audit.record(AuditLog.Event.LOGIN_FAILED, e.getAuthentication().getName(), null, null, null, e.getException().getClass().getSimpleName(), Map.of());
  }
}
