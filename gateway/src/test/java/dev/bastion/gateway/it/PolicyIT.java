package dev.bastion.gateway.it;

import static dev.bastion.gateway.it.GatewayIT.assertStatus;
import static dev.bastion.gateway.it.GatewayIT.read;
import static dev.bastion.gateway.it.GatewayIT.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.api.v1.CreateSandboxRequest;
import dev.bastion.api.v1.DeleteSandboxRequest;
import dev.bastion.api.v1.MoveFileRequest;
import dev.bastion.api.v1.RunRequest;
import dev.bastion.api.v1.RunResult;
import dev.bastion.gateway.server.BastionServer;
import io.grpc.Channel;
import io.grpc.Status;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ToolPolicies end to end: applied with the CLI, enforced on real gVisor sandboxes through gRPC,
 * audited to the log and counted in /metrics.
 */
class PolicyIT {

  static final String OPS = "policy-ops-token-0123456789";
  static final String ALICE = "policy-alice-token-0123456789";
  static final String BOB = "policy-bob-token-0123456789";

  static final String POLICY =
      """
      apiVersion: bastion.dev/v1alpha1
      kind: ToolPolicy
      metadata: {name: agents}
      spec:
        tenants: [alice]
        rules:
        - name: no-network-tools
          when: >-
            call.tool in ["process.exec", "process.run"]
            && call.argv.exists(a, a.matches("(^|[/ ;|&])(curl|wget)( |$)"))
          action: Deny
          message: network tools are not allowed
        - name: watch-writes
          when: call.tool == "files.write"
          action: Audit
        - name: no-secrets
          when: call.path.startsWith("/workspace/secrets")
          action: Deny
          message: secrets are off limits
        - name: no-gpu
          when: >-
            call.tool == "sandboxes.create"
            && "tier" in sandbox.labels && sandbox.labels["tier"] == "gpu"
          action: Deny
        - name: keep-kept
          when: call.tool == "sandboxes.delete" && "keep" in sandbox.labels
          action: Deny
        limits: {maxOutputBytes: 1000, maxFileBytes: 2048, maxExecSeconds: 30%s}
      """;

  @TempDir static Path dir;
  static BastionServer server;
  static Api api;
  static Channel alice;
  static Channel bob;
  static String aliceBox;
  static String bobBox;

  @BeforeAll
  static void start() throws Exception {
    SandboxHost.require();
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, OPS + " ops admin\n" + ALICE + " alice\n" + BOB + " bob\n");
    server = SandboxHost.start(dir.resolve("state"), tokens, 0);
    int port = server.port();
    api = new Api(port);
    alice = api.as(ALICE);
    bob = api.as(BOB);
    applyPolicy("");
    aliceBox = Api.create(alice, "python").getId();
    bobBox = Api.create(bob, "python").getId();
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      cli(OPS, 0, "delete", "toolpolicy", "agents");
    }
    if (api != null) {
      Api.deleteAllSandboxes(List.of(alice, bob));
      api.close();
    }
    if (server != null) {
      server.close();
    }
    SandboxHost.removeContainers(dir.resolve("state"));
  }

  @Test
  void aPolicyThatDoesNotCompileIsRefusedAndTheOldOneStays() throws IOException {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad,
        POLICY
            .formatted("")
            .replace("call.tool == \"files.write\"", "call.toool == \"files.write\""));
    String error = cli(OPS, 1, "apply", "-f", bad.toString())[1];
    assertThat(error)
        .contains("ToolPolicy \"agents\"")
        .contains("spec.rules[1].when: line 1, column 1")
        .contains("undeclared reference to 'call'")
        .contains("the variables are call.tool");
    assertStatus(() -> run(aliceBox, "curl", "x"), Status.Code.PERMISSION_DENIED, "no-network");
  }

  @Test
  void onlyAdminsChangeOrSeePolicies() throws IOException {
    Path policy = dir.resolve("mine.yaml");
    Files.writeString(policy, POLICY.formatted("").replace("name: agents", "name: mine"));
    assertThat(cli(ALICE, 1, "apply", "-f", policy.toString())[1])
        .contains("only admin tenants may change ToolPolicy objects");
    assertThat(cli(ALICE, 0, "get", "toolpolicies")[0]).doesNotContain("agents");
    assertThat(cli(OPS, 0, "get", "toolpolicies")[0]).contains("agents");
  }

  @Test
  void aDenyingRuleIsNamedWithItsMessage() {
    for (List<String> argv :
        List.of(
            List.of("curl", "http://example.com"),
            List.of("/usr/bin/wget", "x"),
            List.of("sh", "-c", "true; curl x"))) {
      assertStatus(
          () -> run(aliceBox, argv.toArray(String[]::new)),
          Status.Code.PERMISSION_DENIED,
          "denied by rule \"no-network-tools\" of ToolPolicy \"agents\": network tools are not"
              + " allowed");
    }
    assertThat(run(aliceBox, "echo", "curly").getStdout().toStringUtf8()).isEqualTo("curly\n");
  }

  @Test
  void policiesApplyOnlyToTheirTenants() {
    RunResult result = Api.run(bob, bobBox, "sh", "-c", "command -v curl || echo none");
    assertThat(result.getExitCode()).isZero();
  }

  @Test
  void outputOverTheLimitIsCutAndReportedTruncated() {
    RunResult result = run(aliceBox, "python3", "-c", "print('a' * 5000)");
    assertThat(result.getStdout().size()).isEqualTo(1000);
    assertThat(result.getTruncated()).isTrue();
  }

  @Test
  void aTimeoutOverTheLimitIsRefusedNamingIt() {
    assertStatus(
        () ->
            Api.call(
                alice,
                Api.RUN,
                RunRequest.newBuilder()
                    .setSandboxId(aliceBox)
                    .addArgv("true")
                    .setTimeoutSeconds(60)
                    .build()),
        Status.Code.RESOURCE_EXHAUSTED,
        "timeout_seconds 60 is longer than maxExecSeconds 30 (ToolPolicy \"agents\")");
  }

  @Test
  void filesOverTheLimitAreRefusedBothWays() {
    assertStatus(
        () -> write(alice, aliceBox, "big.txt", "x".repeat(3000)),
        Status.Code.RESOURCE_EXHAUSTED,
        "maxFileBytes 2048 (ToolPolicy \"agents\")");
    // Python, not ls: ls fails with EINVAL under this runsc, and an empty listing proves nothing.
    assertThat(
            run(aliceBox, "python3", "-c", "import os; print(os.listdir('/workspace'))")
                .getStdout()
                .toStringUtf8())
        .startsWith("[")
        .doesNotContain("big.txt");
    write(alice, aliceBox, "small.txt", "x".repeat(2048));
    assertThat(read(alice, aliceBox, "small.txt")).hasSize(2048);
    run(aliceBox, "python3", "-c", "open('/workspace/made.txt','w').write('y' * 4000)");
    assertStatus(
        () -> read(alice, aliceBox, "made.txt"),
        Status.Code.RESOURCE_EXHAUSTED,
        "maxFileBytes 2048");
  }

  @Test
  void aPathRuleHoldsForEveryFilesCallIncludingMoves() {
    write(alice, aliceBox, "note.txt", "n");
    for (String path : List.of("/workspace/secrets/key", "secrets/key", "./a/../secrets/key")) {
      assertStatus(
          () -> write(alice, aliceBox, path, "k"), Status.Code.PERMISSION_DENIED, "no-secrets");
    }
    assertStatus(
        () ->
            Api.call(
                alice,
                Api.MOVE,
                MoveFileRequest.newBuilder()
                    .setSandboxId(aliceBox)
                    .setSource("note.txt")
                    .setDestination("secrets/note.txt")
                    .build()),
        Status.Code.PERMISSION_DENIED,
        "no-secrets");
  }

  @Test
  void createIsDecidedOnItsLabelsThroughGrpcAndApply() throws IOException {
    assertStatus(
        () ->
            Api.call(
                alice,
                Api.CREATE,
                CreateSandboxRequest.newBuilder()
                    .setTemplate("python")
                    .putLabels("tier", "gpu")
                    .build()),
        Status.Code.PERMISSION_DENIED,
        "no-gpu");
    Path sandbox = dir.resolve("gpu-sandbox.yaml");
    Files.writeString(
        sandbox,
        """
        apiVersion: agents.x-k8s.io/v1beta1
        kind: Sandbox
        metadata: {name: gpu, labels: {tier: gpu}}
        spec:
          podTemplate: {spec: {runtimeClassName: gvisor, containers: [{name: main, image: bastion/python}]}}
        """);
    assertThat(cli(ALICE, 1, "apply", "-f", sandbox.toString())[1]).contains("no-gpu");
  }

  @Test
  void theResourceApiIsDecidedLikeTheSandboxesApi() {
    String kept =
        Api.call(
                alice,
                Api.CREATE,
                CreateSandboxRequest.newBuilder()
                    .setTemplate("python")
                    .putLabels("keep", "yes")
                    .build())
            .getId();
    assertStatus(
        () ->
            Api.call(
                alice, Api.DELETE, DeleteSandboxRequest.newBuilder().setSandboxId(kept).build()),
        Status.Code.PERMISSION_DENIED,
        "keep-kept");
    assertThat(cli(ALICE, 1, "delete", "sandbox", kept)[1]).contains("keep-kept");
    assertThat(cli(ALICE, 0, "get", "sandbox", kept)[0]).contains(kept);
  }

  @Test
  void aRateLimitAppliesAtOnceAndGoesWithItsPolicy() throws Exception {
    try {
      applyPolicy(", callsPerMinute: 3");
      int allowed = 0;
      Status.Code refused = null;
      for (int i = 0; i < 10 && refused == null; i++) {
        try {
          run(aliceBox, "true");
          allowed++;
        } catch (io.grpc.StatusRuntimeException e) {
          refused = e.getStatus().getCode();
          assertThat(e.getStatus().getDescription()).contains("callsPerMinute 3");
        }
      }
      assertThat(refused).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(allowed).isLessThanOrEqualTo(3);
    } finally {
      applyPolicy("");
    }
    assertThat(run(aliceBox, "true").getExitCode()).isZero();
  }

  @Test
  void decisionsAreAuditedWithSecretsRedactedAndCounted() throws Exception {
    assertStatus(
        () -> run(aliceBox, "curl", "--token", "s3cr3t-value", "x"),
        Status.Code.PERMISSION_DENIED,
        "no-network-tools");
    write(alice, aliceBox, "audited.txt", "a");
    JsonObject denial = awaitAuditLine(line -> line.contains("s3cr3t") || line.contains("--token"));
    assertThat(denial.encode()).doesNotContain("s3cr3t-value");
    assertThat(denial.getString("tenant")).isEqualTo("alice");
    assertThat(denial.getString("sandbox")).isEqualTo(aliceBox);
    assertThat(denial.getString("tool")).isEqualTo("process.run");
    assertThat(denial.getString("decision")).isEqualTo("deny");
    assertThat(denial.getString("rule")).isEqualTo("agents/no-network-tools");
    assertThat(denial.getJsonObject("args").getJsonArray("argv").getList())
        .containsExactly("curl", "--token", "[redacted]", "x");
    assertThat(denial.getLong("latency_us")).isNotNull();
    JsonObject audited = awaitAuditLine(line -> line.contains("audited.txt"));
    assertThat(audited.getJsonArray("audited").getList()).containsExactly("agents/watch-writes");
    assertThat(audited.getString("decision")).isEqualTo("allow");

    String metrics = ServerCli.metrics(server.port());
    assertThat(metrics)
        .contains(
            "bastion_policy_decisions_total{decision=\"deny\",rule=\"agents/no-network-tools\"}")
        .contains("bastion_policy_evaluation_seconds_count");
  }

  static JsonObject awaitAuditLine(Predicate<String> wanted) throws Exception {
    return AuditLines.await(dir.resolve("state").resolve("audit.jsonl"), wanted);
  }

  static void applyPolicy(String extraLimits) throws IOException {
    Path file = dir.resolve("policy.yaml");
    Files.writeString(file, POLICY.formatted(extraLimits));
    cli(OPS, 0, "apply", "-f", file.toString());
  }

  static RunResult run(String sandbox, String... argv) {
    return Api.run(alice, sandbox, argv);
  }

  static String[] cli(String token, int expectedExit, String... args) {
    return ServerCli.run(server.port(), token, expectedExit, args);
  }
}
