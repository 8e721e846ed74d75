package org.carelake.jobs.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import org.carelake.jobs.web.security.Actor;
import org.carelake.jobs.web.security.PortalUsers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "users", mixinStandardHelpOptions = true,
    description = {"Portal and API users kept by the app (embedded mode): <home>/portal-users.json, owner-only, BCrypt-hashed passwords.",
        "A provider user sees only its own provider's returns and findings; a council user sees everything. A running",
        "service picks up changes at the next sign-in."},
    subcommands = {UsersCommand.Add.class, UsersCommand.ListUsers.class, UsersCommand.Remove.class})
public class UsersCommand implements Runnable {

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.err);
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = {"Add a user, or reset an existing user's password and role. The password is read from standard input",
          "(one line) with --password-stdin; otherwise one is generated and printed once."})
  static class Add implements Callable<Integer> {
    private final PortalUsers users;

    Add(PortalUsers users) {
      this.users = users;
    }

    @Parameters(index = "0", paramLabel = "USERNAME")
    String username;

    @Option(names = "--role", required = true, description = "council or provider")
    String role;

    @Option(names = "--provider-id", description = "the CQC provider id a provider user belongs to")
    String providerId;

    @Option(names = "--password-stdin", description = "read the password from standard input")
    boolean passwordStdin;

    @Override
    public Integer call() throws Exception {
      Actor.Role r;
      try {
        r = Actor.Role.valueOf(role.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--role must be council or provider, not " + role);
      }
      String password;
      boolean generated = !passwordStdin;
      if (passwordStdin) {
        password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      } else {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        password = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
      }
      PortalUsers.PortalUser u = users.save(username, password, r, providerId);
      System.out.println("user " + u.username() + " (" + r.name().toLowerCase(java.util.Locale.ROOT)
          + (u.providerId() == null ? "" : ", provider " + u.providerId()) + ") saved in " + users.file());
      if (generated) {
        System.out.println("password (shown once): " + password);
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List users (never their passwords).")
  static class ListUsers implements Callable<Integer> {
    private final PortalUsers users;

    ListUsers(PortalUsers users) {
      this.users = users;
    }

    @Override
    public Integer call() {
      for (PortalUsers.PortalUser u : users.all()) {
        System.out.println(u.username() + "\t" + u.role().name().toLowerCase(java.util.Locale.ROOT) + "\t" + (u.providerId() == null ? "" : u.providerId())
            + "\t" + u.createdAt());
      }
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a user.")
  static class Remove implements Callable<Integer> {
    private final PortalUsers users;

    Remove(PortalUsers users) {
      this.users = users;
    }

    @Parameters(index = "0", paramLabel = "USERNAME")
    String username;

    @Override
    public Integer call() {
      if (!users.remove(username)) {
        System.err.println("users: no user " + username);
        return 1;
      }
      System.out.println("user " + username + " removed");
      return 0;
    }
  }
}
