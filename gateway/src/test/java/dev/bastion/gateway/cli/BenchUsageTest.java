package dev.bastion.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code bastion bench} is reachable from the CLI, and a bad flag costs one line, exit 2. */
class BenchUsageTest {

  private record Run(int exitCode, String out, String err) {}

  private static Run bastion(String... args) {
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exitCode = cli.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  @Test
  void benchIsACommandOfBastion() {
    Run help = bastion("bench", "--help");

    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).startsWith("Usage: bastion bench ").contains("--stream-call-count");
    assertThat(bastion("--help").out()).contains("bench");
  }

  @Test
  void aBadFlagIsOneLine() {
    Run unknown = bastion("bench", "--call", "bastion.v1.Processes/Run", "--qps", "5", "h:1");
    Run badValue = bastion("bench", "--call", "bastion.v1.Processes/Run", "-t", "5", "h:1");
    Run missing = bastion("bench", "h:1");

    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err())
        .startsWith("error: Unknown option: '--qps'")
        .endsWith(" (see bastion bench --help)\n")
        .hasLineCount(1);
    assertThat(badValue.exitCode()).isEqualTo(2);
    assertThat(badValue.err())
        .startsWith("error: Invalid value for option '--timeout'")
        .hasLineCount(1);
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err())
        .isEqualTo("error: Missing required option: '--call=METHOD' (see bastion bench --help)\n");
  }

  @Test
  void otherCommandsKeepPicoclisUsageOnABadFlag() {
    Run run = bastion("get", "--nope");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Usage: bastion get");
  }
}
