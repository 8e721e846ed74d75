package org.carelake.jobs.web.security;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.carelake.ingestion.CqcIds;
import org.carelake.jobs.config.SecurityProperties;
import org.carelake.jobs.service.Lakehouse;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * The embedded user store: a JSON file in the data home (owner-only), passwords BCrypt-hashed, re-read when it
 * changes so {@code carelake users add} takes effect on a running service.
 */
@Component
public class PortalUsers implements UserDetailsService {

  public static final String PROVIDER_AUTHORITY_PREFIX = "PROVIDER_ID:";

  /** One user as stored. */
  public record PortalUser(String username, String passwordHash, Actor.Role role, String providerId, Instant createdAt) {}

  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);
  private static final PasswordEncoder ENCODER = new BCryptPasswordEncoder();

  private final Lakehouse lakehouse;
  private final SecurityProperties properties;
  private List<PortalUser> cached = List.of();
  private FileTime cachedAt;

  public PortalUsers(Lakehouse lakehouse, SecurityProperties properties) {
    this.lakehouse = lakehouse;
    this.properties = properties;
  }

  public static PasswordEncoder encoder() {
    return ENCODER;
  }

  public Path file() {
    String f = properties.getUsersFile();
    return f == null || f.isBlank() ? lakehouse.home().resolve("portal-users.json") : Path.of(f).toAbsolutePath();
  }

  public synchronized List<PortalUser> all() {
    Path f = file();
    try {
      if (!Files.exists(f)) {
        return List.of();
      }
      FileTime modified = Files.getLastModifiedTime(f);
      if (!modified.equals(cachedAt)) {
        cached = List.copyOf(JSON.readValue(f.toFile(), new TypeReference<List<PortalUser>>() {}));
        cachedAt = modified;
      }
      return cached;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the users file " + f + ": " + e.getMessage(), e);
    }
  }

  public Optional<PortalUser> find(String username) {
    return all().stream().filter(u -> u.username().equals(username)).findFirst();
  }

  /** Adds a user, or replaces one with the same name; the password is stored only as its BCrypt hash. */
  public synchronized PortalUser save(String username, String password, Actor.Role role, String providerId) {
    if (username == null || !username.matches("[A-Za-z0-9._@-]{2,64}")) {
      throw new IllegalArgumentException("a user name is 2 to 64 letters, digits or . _ @ -");
    }
    if (password == null || password.length() < 12) {
      throw new IllegalArgumentException("a password needs at least 12 characters");
    }
    if (role == Actor.Role.PROVIDER && (providerId == null || !CqcIds.isCqcId(providerId))) {
      throw new IllegalArgumentException("a provider user needs --provider-id, a CQC provider id such as 1-101634486");
    }
    if (role == Actor.Role.COUNCIL && providerId != null) {
      throw new IllegalArgumentException("a council user sees every provider: give no --provider-id");
    }
    PortalUser user = new PortalUser(username, ENCODER.encode(password), role, providerId, Instant.now());
    List<PortalUser> users = new ArrayList<>(all().stream().filter(u -> !u.username().equals(username)).toList());
    users.add(user);
    write(users);
    return user;
  }

  public synchronized boolean remove(String username) {
    List<PortalUser> users = new ArrayList<>(all());
    boolean removed = users.removeIf(u -> u.username().equals(username));
    if (removed) {
      write(users);
    }
    return removed;
  }

  private void write(List<PortalUser> users) {
    Path f = file();
    try {
      Files.createDirectories(f.getParent());
      Path tmp = Files.createTempFile(f.getParent(), ".portal-users", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      JSON.writeValue(tmp.toFile(), users);
      try {
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
      }
      cachedAt = null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the users file " + f + ": " + e.getMessage(), e);
    }
  }

  @Override
  public UserDetails loadUserByUsername(String username) {
    PortalUser u = find(username).orElseThrow(() -> new UsernameNotFoundException("no such user"));
    List<SimpleGrantedAuthority> authorities = new ArrayList<>();
    authorities.add(new SimpleGrantedAuthority("ROLE_" + u.role().name()));
    if (u.providerId() != null) {
      authorities.add(new SimpleGrantedAuthority(PROVIDER_AUTHORITY_PREFIX + u.providerId()));
    }
    return User.withUsername(u.username()).password(u.passwordHash()).authorities(authorities).build();
  }
}
