package org.carelake.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No secret in git (issue 8, property 8): every file the repository tracks is read and searched for private keys,
 * cloud and API keys, passwords and tokens written as values, and files that only ever hold secrets (key files,
 * .env). A finding names the file, the line and the kind.
 */
class RepositorySecretsTest {

  private record Kind(String name, Pattern pattern) {}

  private static final List<Kind> KINDS = List.of(
      new Kind("private key", Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----")),
      new Kind("AWS access key", Pattern.compile("\\b(AKIA|ASIA)[0-9A-Z]{16}\\b")),
      new Kind("GitHub token", Pattern.compile("\\bgh[pousr]_[A-Za-z0-9]{36,}\\b")),
      new Kind("Slack token", Pattern.compile("\\bxox[abprs]-[A-Za-z0-9-]{10,}")),
      new Kind("bearer token", Pattern.compile("(?i)authorization:\\s*bearer\\s+[A-Za-z0-9._~+/-]{20,}")),
      // a password, secret or key written as a string literal, or as a value in a configuration file
      new Kind("password or key as a string literal", Pattern.compile(
          "(?i)(password|passwd|secret|api[_-]?key|subscription[_-]?key|pseudonymisation[_-]?key)[\\w.-]*[\"']?\\s*[:=]\\s*[\"'][^\"'\\s$]{8,}[\"']")));

  private static final Kind CONFIG_VALUE = new Kind("password or key in a configuration file", Pattern.compile(
      "(?i)^\\s*[\\w.-]*(password|passwd|secret|api[_-]?key|subscription[_-]?key)[\\w.-]*\\s*[:=]\\s*(?![\"']{2}|\\$\\{|$)\\S{8,}"));

  private static final List<String> CONFIG_FILES = List.of(".yml", ".yaml", ".properties", ".env", ".conf", ".ini", ".toml", ".cfg");

  @Test
  void noSecretIsTrackedInGit() throws Exception {
    Path root = Path.of(System.getProperty("carelake.repo.root", "..")).toAbsolutePath().normalize();
    Process git = new ProcessBuilder("git", "ls-files", "-z").directory(root.toFile()).redirectErrorStream(true).start();
    String listing = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(git.waitFor()).as(listing).isZero();
    List<String> files = List.of(listing.split("\u0000"));
    assertThat(files).as("tracked files").hasSizeGreaterThan(100);

    List<String> findings = new ArrayList<>();
    for (String name : files) {
      String base = name.substring(name.lastIndexOf('/') + 1);
      if (base.equals(".env") || base.endsWith(".key") || base.endsWith(".pem") || base.endsWith(".p12") || base.endsWith(".jks")) {
        findings.add(name + ": a file that holds secrets");
      }
      Path file = root.resolve(name);
      if (!Files.isRegularFile(file) || Files.size(file) > 2_000_000) {
        continue;
      }
      findings.addAll(findings(name, lines(file)));
    }
    assertThat(findings).as("secrets in tracked files").isEmpty();
  }

  /** The search itself, on planted lines (split in this source so that the file does not hold them). */
  @Test
  void theSearchFindsPlantedSecrets() {
    assertThat(findings("Config.java", List.of("String password = \"hunter2-hunter2\";", "String password = args.passwordFile();")))
        .containsExactly("Config.java:1: password or key as a string literal");
    assertThat(findings("application.yml", List.of("  subscription-key: 0123456789abcdef", "  subscription-key: ${CQC_KEY:}", "  password: \"\"")))
        .containsExactly("application.yml:1: password or key in a configuration file");
    assertThat(findings("notes.md", List.of("-----BEGIN RSA " + "PRIVATE KEY-----", "AKIA" + "ABCDEFGHIJKLMNOP"))).hasSize(2);
  }

  /** What the search finds in one file's lines. */
  private static List<String> findings(String name, List<String> lines) {
    String base = name.substring(name.lastIndexOf('/') + 1);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      for (Kind k : KINDS) {
        if (k.pattern().matcher(lines.get(i)).find()) {
          out.add(name + ":" + (i + 1) + ": " + k.name());
        }
      }
      if (CONFIG_FILES.stream().anyMatch(base::endsWith) && CONFIG_VALUE.pattern().matcher(lines.get(i)).find()) {
        out.add(name + ":" + (i + 1) + ": " + CONFIG_VALUE.name());
      }
    }
    return out;
  }

  private static List<String> lines(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    return List.of(new String(bytes, StandardCharsets.ISO_8859_1).split("\r?\n"));
  }
}
