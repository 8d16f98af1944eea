package dev.bastion.controller.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostCommandTest {

  @Test
  void capturesOutputAndExitCode() {
    HostCommand.Result result =
        HostCommand.run(
            List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(10));
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.output()).contains("out\n").contains("err\n");
    assertThat(result.lastLine()).isIn("out", "err");
  }

  @Test
  void aCommandThatLeavesAChildHoldingItsOutputStillReturns() {
    // What `runsc run --detach` does: the command exits, its container keeps stdout open.
    HostCommand.Result result =
        HostCommand.run(List.of("sh", "-c", "sleep 30 & echo started"), Duration.ofSeconds(10));
    assertThat(result.ok()).isTrue();
    assertThat(result.output()).isEqualTo("started\n");
  }

  @Test
  void aHangingCommandTimesOut() {
    HostCommand.Result result = HostCommand.run(List.of("sleep", "30"), Duration.ofMillis(300));
    assertThat(result.exitCode()).isEqualTo(124);
    assertThat(result.output()).contains("timed out");
  }

  @Test
  void aMissingProgramIsReportedNotThrown() {
    HostCommand.Result result =
        HostCommand.run(List.of("/nonexistent/tool"), Duration.ofSeconds(5));
    assertThat(result.exitCode()).isEqualTo(127);
    assertThat(result.ok()).isFalse();
  }

  @Test
  void loggedOutputIsAppendedAndTheLastLineReturned(@TempDir Path dir) throws IOException {
    Path log = dir.resolve("container.log");
    HostCommand.runLogged(List.of("echo", "first"), Duration.ofSeconds(5), log);
    HostCommand.Result result =
        HostCommand.runLogged(List.of("sh", "-c", "echo boom; exit 1"), Duration.ofSeconds(5), log);
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.lastLine()).isEqualTo("boom");
    assertThat(Files.readString(log)).isEqualTo("first\nboom\n");
  }

  /**
   * A sandbox's container shares the log with the runtime: one that wrote gigabytes there must not
   * make the host read them all to find the runtime's last line.
   */
  @Test
  void onlyTheLogsTailIsReadForTheLastLine(@TempDir Path dir) throws IOException {
    Path log = dir.resolve("container.log");
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "rw")) {
      // Sparse: 8 GiB of one line of NULs, as if the container had written it.
      file.setLength(8L << 30);
      file.seek(file.length() - 1);
      file.write('\n');
    }
    HostCommand.Result result =
        HostCommand.runLogged(List.of("echo", "started"), Duration.ofSeconds(5), log);
    assertThat(result.lastLine()).isEqualTo("started");
  }

  /** The runtime's output goes to the log by path: a link there would send it elsewhere. */
  @Test
  void aLinkInPlaceOfTheLogIsRefusedAndNothingRuns(@TempDir Path dir) throws IOException {
    Path elsewhere = Files.writeString(dir.resolve("elsewhere"), "host file\n");
    Path log = Files.createSymbolicLink(dir.resolve("container.log"), elsewhere);
    HostCommand.Result result =
        HostCommand.runLogged(List.of("echo", "started"), Duration.ofSeconds(5), log);
    assertThat(result.ok()).isFalse();
    assertThat(result.lastLine()).contains("not a regular file");
    assertThat(Files.readString(elsewhere)).isEqualTo("host file\n");
  }
}
