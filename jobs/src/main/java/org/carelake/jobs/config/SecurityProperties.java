package org.carelake.jobs.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Who may sign in. {@code embedded}: users kept by the app in a file in the data home, passwords BCrypt-hashed, added
 * with {@code carelake users add}. {@code oidc}: the portal signs in through the council's identity provider (Spring's
 * {@code spring.security.oauth2.client.*} settings), and two claims say the user's role and provider.
 */
@ConfigurationProperties(prefix = "carelake.security")
public class SecurityProperties {

  private String mode = "embedded";
  /** The users file; default {@code <home>/portal-users.json}. */
  private String usersFile = "";
  private String providerClaim = "carelake_provider_id";
  private String roleClaim = "carelake_role";

  public String getMode() {
    return mode;
  }

  public void setMode(String mode) {
    this.mode = mode;
  }

  public String getUsersFile() {
    return usersFile;
  }

  public void setUsersFile(String usersFile) {
    this.usersFile = usersFile;
  }

  public String getProviderClaim() {
    return providerClaim;
  }

  public void setProviderClaim(String providerClaim) {
    this.providerClaim = providerClaim;
  }

  public String getRoleClaim() {
    return roleClaim;
  }

  public void setRoleClaim(String roleClaim) {
    this.roleClaim = roleClaim;
  }

  public boolean oidc() {
    return "oidc".equalsIgnoreCase(mode);
  }
}
