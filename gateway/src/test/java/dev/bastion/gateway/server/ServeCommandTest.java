package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What {@code serve} refuses before it starts anything. */
class ServeCommandTest {

  @Test
  void aMetricsTokenFileWithoutATokenStopsTheStartWithItsName(@TempDir Path dir)
      throws IOException {
    Path empty = Files.writeString(dir.resolve("metrics-token"), "\n");
    Path missing = dir.resolve("missing");

    assertThat(serve("--metrics-token-file", empty.toString()))
        .isEqualTo("bastion: the metrics token file " + empty + " is empty\n");
    assertThat(serve("--metrics-token-file", missing.toString()))
        .isEqualTo("bastion: the metrics token file " + missing + " does not exist\n");
  }

  /** Runs {@code serve ARGS}, which must exit 2 (a bad flag); returns what it printed on stderr. */
  private static String serve(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream systemErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertThat(new CommandLine(new ServeCommand()).execute(args)).isEqualTo(2);
    } finally {
      System.setErr(systemErr);
    }
    return err.toString(StandardCharsets.UTF_8);
  }
}
