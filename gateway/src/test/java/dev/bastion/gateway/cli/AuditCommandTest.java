package dev.bastion.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.Main;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bastion audit}: what it prints and how it exits, without a server. */
class AuditCommandTest {

  private static final String HARDENED =
      """
      apiVersion: extensions.agents.x-k8s.io/v1beta1
      kind: SandboxTemplate
      metadata: {name: python}
      spec:
        podTemplate:
          spec:
            runtimeClassName: gvisor
            automountServiceAccountToken: false
            securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
            containers:
            - name: main
              image: bastion/python:latest
              securityContext:
                allowPrivilegeEscalation: false
                readOnlyRootFilesystem: true
                capabilities: {drop: [ALL]}
              resources:
                limits: {cpu: "1", memory: 512Mi}
      """;

  private static final String POOL =
      """
      apiVersion: extensions.agents.x-k8s.io/v1beta1
      kind: SandboxWarmPool
      metadata: {name: python}
      spec: {sandboxTemplateRef: {name: python}}
      """;

  private static final String WEAK_SANDBOX =
      """
      apiVersion: agents.x-k8s.io/v1beta1
      kind: Sandbox
      metadata: {name: weak}
      spec:
        shutdownTime: "2030-01-01T00:00:00Z"
        podTemplate:
          spec:
            runtimeClassName: runc
            containers:
            - {name: main, image: bastion/python}
      """;

  private record Run(int exitCode, String out, String err) {}

  @TempDir Path dir;

  @Test
  void aHardenedTemplateScoresFullMarksAndOtherKindsAreSkipped() throws IOException {
    Path file = Files.writeString(dir.resolve("python.yaml"), HARDENED + "---\n" + POOL);

    Run run = bastion("", "audit", "-f", file.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines())
        .containsExactly(
            "sandboxtemplate/python",
            "  N/A  expiry: a SandboxTemplate carries no expiry: set"
                + " spec.lifecycle.shutdownTime on the SandboxClaims that use it",
            "SCORE: 100% GRADE: A",
            "sandboxwarmpool/python: skipped (only SandboxTemplate and Sandbox are graded)");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void eachFailedCheckIsOneLineWithItsFixAndALowScoreExitsOne() {
    Run run = bastion(WEAK_SANDBOX, "audit", "-f", "-");

    assertThat(run.exitCode()).isEqualTo(AuditCommand.BELOW_MIN_SCORE);
    List<String> lines = run.out().lines().toList();
    assertThat(lines.getFirst()).isEqualTo("sandbox/weak");
    assertThat(lines)
        .contains(
            "  FAIL runtime-class (15): spec.podTemplate.spec.runtimeClassName is \"runc\","
                + " neither gVisor nor Kata: no kernel of its own (fix: set it to gvisor or kata)",
            "  FAIL resource-limits (5): spec.podTemplate.spec.containers[0].resources.limits.cpu"
                + " is unset: the container may take all of the node's cpu (fix: set it, e.g."
                + " cpu: \"1\"); spec.podTemplate.spec.containers[0].resources.limits.memory is"
                + " unset: the container may take all of the node's memory (fix: set it, e.g."
                + " memory: 512Mi)");
    // Passed: privileged, host-namespaces, host-path (45) and expiry (5) of 105 points.
    assertThat(lines.getLast()).isEqualTo("SCORE: 47% GRADE: F");
    assertThat(lines).filteredOn(line -> line.startsWith("  FAIL ")).hasSize(9);
    assertThat(run.err()).isEqualTo("error: under --min-score 90: sandbox/weak\n");
  }

  @Test
  void minScoreSetsTheBar() {
    assertThat(bastion(WEAK_SANDBOX, "audit", "-f", "-", "--min-score", "47").exitCode()).isZero();
    assertThat(bastion(WEAK_SANDBOX, "audit", "-f", "-", "--min-score", "48").exitCode())
        .isEqualTo(AuditCommand.BELOW_MIN_SCORE);
  }

  @Test
  void badInputIsOneErrorLineAndExitTwo() {
    assertThat(bastion("", "audit", "-f", dir.resolve("nope.yaml").toString()))
        .isEqualTo(badInput("error: cannot read " + dir.resolve("nope.yaml") + ": no such file"));
    assertThat(bastion("kind: [", "audit", "-f", "-"))
        .isEqualTo(
            badInput(
                "error: stdin: document 1: invalid YAML at line 1, column 8: expected the node content,"
                    + " but found '<stream end>'"));
    assertThat(bastion(POOL, "audit", "-f", "-"))
        .isEqualTo(badInput("error: stdin has no SandboxTemplate or Sandbox to grade"));
    assertThat(bastion("", "audit", "-f", "-"))
        .isEqualTo(badInput("error: stdin has no SandboxTemplate or Sandbox to grade"));
    assertThat(bastion(HARDENED.replace("podTemplate:", "podTemplat:"), "audit", "-f", "-").err())
        .startsWith("error: stdin: document 1 (SandboxTemplate \"python\"): ");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(bastion(HARDENED, "audit").exitCode()).isEqualTo(2);
    assertThat(bastion(HARDENED, "audit", "-f", "-", "--min-score", "101").exitCode()).isEqualTo(2);
  }

  private static Run badInput(String error) {
    return new Run(AuditCommand.BAD_INPUT, "", error + "\n");
  }

  private static Run bastion(String stdin, String... args) {
    CommandLine cli = new CommandLine(new Main());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    AuditCommand audit = cli.getSubcommands().get("audit").getCommand();
    audit.stdin = () -> new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    int exitCode = cli.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }
}
