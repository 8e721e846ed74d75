package org.carelake.jobs.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.carelake.jobs.web.security.Actor;
import org.carelake.jobs.web.security.PortalUsers;
import org.springframework.stereotype.Service;

/**
 * The demo's two sign-ins, made once per data home: a council officer, and a provider user for the provider with the
 * most expected returns. Passwords are generated, printed once and kept owner-only in {@code <home>/demo-users.txt}.
 */
@Service
public class DemoUsers {

  private final Lakehouse lakehouse;
  private final PortalUsers users;

  public DemoUsers(Lakehouse lakehouse, PortalUsers users) {
    this.lakehouse = lakehouse;
    this.users = users;
  }

  /** The text to print, or empty when the home already has users that the demo did not make. */
  public Optional<String> create() {
    Path note = lakehouse.home().resolve("demo-users.txt");
    try {
      if (Files.exists(note)) {
        return Optional.of("Demo sign-ins: " + note + "\n");
      }
      if (!users.all().isEmpty()) {
        return Optional.empty();
      }
      List<Row> top = lakehouse.spark().sql("SELECT provider_id, count(*) n FROM marts.mart_submission_quality GROUP BY provider_id "
          + "ORDER BY n DESC, provider_id LIMIT 1").collectAsList();
      StringBuilder text = new StringBuilder("Demo sign-ins for the portal (/portal) and the API (HTTP Basic); kept in " + note + ":\n");
      String councilPassword = password();
      users.save("council", councilPassword, Actor.Role.COUNCIL, null);
      text.append("  council   / ").append(councilPassword).append("   (council officer: every provider, the whole API)\n");
      if (!top.isEmpty()) {
        String providerPassword = password();
        users.save("provider", providerPassword, Actor.Role.PROVIDER, top.get(0).getString(0));
        text.append("  provider  / ").append(providerPassword).append("   (provider ").append(top.get(0).getString(0)).append(": its own returns only)\n");
      }
      Files.writeString(Files.createFile(note, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))), text);
      return Optional.of(text.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String password() {
    byte[] b = new byte[15];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
