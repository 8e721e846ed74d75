package org.carelake.jobs.web.security;

import java.util.Objects;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * Who is asking: a council user (sees every provider) or a provider user (one provider, its own data only). Made
 * from whichever sign-in was used, so services never look at Spring Security's types.
 */
public record Actor(String username, Role role, String providerId) {

  public enum Role { COUNCIL, PROVIDER }

  public Actor {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(role, "role");
    if (role == Role.PROVIDER && (providerId == null || providerId.isBlank())) {
      throw new IllegalArgumentException("a provider user needs a provider id");
    }
  }

  public boolean isCouncil() {
    return role == Role.COUNCIL;
  }

  /** May this actor see or send data of that provider? */
  public boolean mayActFor(String provider) {
    return isCouncil() || providerId.equals(provider);
  }

  public static Actor of(Authentication auth) {
    String provider = null;
    Role role = null;
    for (GrantedAuthority a : auth.getAuthorities()) {
      String name = a.getAuthority();
      if (name.equals("ROLE_COUNCIL")) {
        role = Role.COUNCIL;
      } else if (name.equals("ROLE_PROVIDER") && role == null) {
        role = Role.PROVIDER;
      } else if (name.startsWith(PortalUsers.PROVIDER_AUTHORITY_PREFIX)) {
        provider = name.substring(PortalUsers.PROVIDER_AUTHORITY_PREFIX.length());
      }
    }
    if (role == null) {
      throw new org.springframework.security.access.AccessDeniedException(auth.getName() + " has no carelake role");
    }
    return new Actor(auth.getName(), role, role == Role.PROVIDER ? provider : null);
  }
}
