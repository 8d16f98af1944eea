package dev.bastion.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsTokenTest {

  private static final String TOKEN = "metrics-token-0123456789";

  @Test
  void theFilesTrailingNewlineIsNotPartOfTheToken(@TempDir Path dir) throws IOException {
    MetricsToken token = MetricsToken.read(Files.writeString(dir.resolve("t"), TOKEN + "\n"));
    assertThat(token.admits("Bearer " + TOKEN)).isTrue();
    assertThat(token.admits("bearer " + TOKEN)).isTrue();
    MetricsToken crlf = MetricsToken.read(Files.writeString(dir.resolve("u"), TOKEN + "\r\n"));
    assertThat(crlf.admits("Bearer " + TOKEN)).isTrue();
  }

  @Test
  void onlyThatBearerTokenIsAdmitted(@TempDir Path dir) throws IOException {
    MetricsToken token = MetricsToken.read(Files.writeString(dir.resolve("t"), TOKEN));
    assertThat(token.admits(null)).isFalse();
    assertThat(token.admits("")).isFalse();
    assertThat(token.admits("Bearer")).isFalse();
    assertThat(token.admits("Bearer ")).isFalse();
    assertThat(token.admits(TOKEN)).isFalse();
    assertThat(token.admits("Basic " + TOKEN)).isFalse();
    assertThat(token.admits("Bearer " + TOKEN.substring(1))).isFalse();
    assertThat(token.admits("Bearer " + TOKEN + "x")).isFalse();
    assertThat(token.admits("Bearer " + TOKEN.toUpperCase())).isFalse();
  }

  @Test
  void aFileWithoutAUsableTokenIsRefusedByName(@TempDir Path dir) throws IOException {
    Path empty = Files.writeString(dir.resolve("empty"), "");
    assertThatThrownBy(() -> MetricsToken.read(empty))
        .hasMessageContaining(empty.toString())
        .hasMessageContaining("is empty");
    Path newline = Files.writeString(dir.resolve("newline"), "\n");
    assertThatThrownBy(() -> MetricsToken.read(newline)).hasMessageContaining("is empty");
    Path missing = dir.resolve("missing");
    assertThatThrownBy(() -> MetricsToken.read(missing))
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist");
    // Tests run as root, whom file modes do not stop: a directory is what cannot be read.
    Path directory = Files.createDirectory(dir.resolve("directory"));
    assertThatThrownBy(() -> MetricsToken.read(directory))
        .hasMessageContaining("cannot read the metrics token file " + directory);
    Path shortToken = Files.writeString(dir.resolve("short"), "short\n");
    assertThatThrownBy(() -> MetricsToken.read(shortToken)).hasMessageContaining("shorter than");
    Path twoWords = Files.writeString(dir.resolve("two"), TOKEN + " " + TOKEN + "\n");
    assertThatThrownBy(() -> MetricsToken.read(twoWords)).hasMessageContaining("whitespace");
  }
}
