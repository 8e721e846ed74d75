package org.carelake.ingestion.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PseudonymiserTest {

  @TempDir
  Path tmp;

  @Test
  void theSamePersonGetsTheSameKeyUnderOneKeyAndAnotherUnderAnother() {
    Pseudonymiser a = new Pseudonymiser("key-a-0123456789abcdef");
    Pseudonymiser b = new Pseudonymiser("key-b-0123456789abcdef");
    assertThat(a.personKey("P000123")).matches("[0-9a-f]{64}")
        .isEqualTo(a.personKey(" p000 123 ")).isEqualTo(new Pseudonymiser("key-a-0123456789abcdef").personKey("P000123"))
        .isNotEqualTo(a.personKey("P000124")).isNotEqualTo(b.personKey("P000123"));
    assertThat(a.personKey("  ")).isNull();
    assertThat(a.toString()).doesNotContain("key-a");
  }

  @Test
  void aShortOrEmptyKeyIsRefusedWithoutRepeatingIt() {
    assertThatThrownBy(() -> new Pseudonymiser("secret")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too short").message().doesNotContain("secret");
    assertThatThrownBy(() -> new Pseudonymiser(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
  }

  @Test
  void aKeyFileIsCreatedOnceReadableByItsOwnerOnly() throws Exception {
    Path file = tmp.resolve("home/pseudonymisation.key");
    assertThat(KeyFile.read(file)).isEmpty();
    assertThat(KeyFile.createIfAbsent(file)).isTrue();
    String key = KeyFile.read(file).orElseThrow();
    assertThat(key).matches("[0-9a-f]{64}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(KeyFile.createIfAbsent(file)).isFalse();
    assertThat(KeyFile.read(file)).contains(key);
    assertThat(new Pseudonymiser(key).personKey("P1")).hasSize(64);
  }
}
