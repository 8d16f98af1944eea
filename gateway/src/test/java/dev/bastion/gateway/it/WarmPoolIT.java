package dev.bastion.gateway.it;

import static dev.bastion.gateway.it.GatewayIT.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.api.v1.CreateSandboxRequest;
import dev.bastion.api.v1.DeleteSandboxRequest;
import dev.bastion.api.v1.ResumeSandboxRequest;
import dev.bastion.api.v1.RunRequest;
import dev.bastion.api.v1.Sandbox;
import dev.bastion.api.v1.SuspendSandboxRequest;
import dev.bastion.gateway.server.BastionServer;
import io.grpc.Channel;
import io.grpc.Status;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warm pools, claims and the admin CLI against a real embedded server with gVisor sandboxes: a
 * claim is served from the pool, the pool refills, claims that change the pod start cold, and only
 * admins change templates and pools.
 */
class WarmPoolIT {

  static final String ADMIN = "warm-admin-token-0123456789";
  static final String ERIN = "warm-erin-token-0123456789";

  @TempDir static Path dir;
  static BastionServer server;
  static Api api;
  static Channel erin;

  @BeforeAll
  static void start() throws Exception {
    SandboxHost.require();
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, ADMIN + " ops admin\n" + ERIN + " erin\n");
    server = SandboxHost.start(dir.resolve("state"), tokens, 2);
    api = new Api(server.port());
    erin = api.as(ERIN);
    awaitPoolReady("python", 2);
  }

  @AfterAll
  static void stop() throws Exception {
    if (api != null) {
      api.close();
    }
    if (server != null) {
      server.close();
    }
    SandboxHost.removeContainers(dir.resolve("state"));
  }

  @Test
  void aWarmClaimIsServedFromThePoolWhichRefills() throws Exception {
    List<String> members = poolMembers("python");
    Sandbox sandbox =
        Api.call(
            erin,
            Api.CREATE,
            CreateSandboxRequest.newBuilder().setWarmPool("python").putLabels("job", "w1").build());
    assertThat(sandbox.getLaunchType()).isEqualTo("warm");
    assertThat(sandbox.getPhase()).isEqualTo(Sandbox.Phase.READY);
    assertThat(sandbox.getWarmPool()).isEqualTo("python");
    assertThat(sandbox.getTemplate()).isEqualTo("python");
    assertThat(sandbox.getLabelsMap()).containsEntry("job", "w1").hasSize(1);
    assertThat(members).contains(sandbox.getId());
    assertThat(run(sandbox.getId(), "python3", "-c", "print(6*7)")).isEqualTo("42\n");

    awaitPoolReady("python", 2);
    assertThat(poolMembers("python")).doesNotContain(sandbox.getId());
    String metrics = ServerCli.metrics(server.port());
    assertThat(metrics)
        .contains(
            "agent_sandbox_claim_startup_latency_ms_count{launch_type=\"warm\",sandbox_template=\"python\"}")
        .contains(
            "agent_sandbox_claim_creation_total{launch_type=\"warm\",namespace=\"default\",sandbox_template=\"python\"}")
        .contains("agent_sandbox_creation_latency_ms_count{launch_type=\"pool\"");

    JsonObject claims = cli(ERIN, 0, "get", "sandboxclaims", "-o", "json");
    assertThat(claims.getJsonArray("items").stream().map(JsonObject.class::cast))
        .anyMatch(
            c ->
                sandbox
                    .getId()
                    .equals(c.getJsonObject("status").getJsonObject("sandbox").getString("name")));

    Api.call(
        erin, Api.DELETE, DeleteSandboxRequest.newBuilder().setSandboxId(sandbox.getId()).build());
    JsonObject after = cli(ERIN, 0, "get", "sandboxclaims", "-o", "json");
    assertThat(after.getJsonArray("items").stream().map(JsonObject.class::cast))
        .as("deleting a claimed sandbox deletes its claim")
        .noneMatch(
            c ->
                c.getJsonObject("status") != null
                    && c.getJsonObject("status").getJsonObject("sandbox") != null
                    && sandbox
                        .getId()
                        .equals(
                            c.getJsonObject("status").getJsonObject("sandbox").getString("name")));
  }

  @Test
  void aClaimWithEnvStartsColdWithItsEnv() {
    Sandbox sandbox =
        Api.call(
            erin,
            Api.CREATE,
            CreateSandboxRequest.newBuilder().setWarmPool("python").putEnv("TASK", "t-42").build());
    assertThat(sandbox.getLaunchType()).isEqualTo("cold");
    assertThat(run(sandbox.getId(), "sh", "-c", "echo $TASK")).isEqualTo("t-42\n");
    Api.call(
        erin, Api.DELETE, DeleteSandboxRequest.newBuilder().setSandboxId(sandbox.getId()).build());
  }

  @Test
  void aSuspendedSandboxRefusesRunsAndResumesWithItsFiles() {
    Sandbox sandbox =
        Api.call(erin, Api.CREATE, CreateSandboxRequest.newBuilder().setWarmPool("python").build());
    String id = sandbox.getId();
    run(id, "sh", "-c", "echo kept > /workspace/f");
    Sandbox suspended =
        Api.call(erin, Api.SUSPEND, SuspendSandboxRequest.newBuilder().setSandboxId(id).build());
    assertThat(suspended.getPhase()).isEqualTo(Sandbox.Phase.SUSPENDED);
    assertStatus(() -> run(id, "true"), Status.Code.FAILED_PRECONDITION, "suspended");
    Sandbox resumed =
        Api.call(erin, Api.RESUME, ResumeSandboxRequest.newBuilder().setSandboxId(id).build());
    assertThat(resumed.getPhase()).isEqualTo(Sandbox.Phase.READY);
    assertThat(run(id, "cat", "/workspace/f")).isEqualTo("kept\n");
    Api.call(erin, Api.DELETE, DeleteSandboxRequest.newBuilder().setSandboxId(id).build());
  }

  @Test
  void anUnknownPoolIsAnInvalidArgument() {
    assertStatus(
        () ->
            Api.call(
                erin, Api.CREATE, CreateSandboxRequest.newBuilder().setWarmPool("nope").build()),
        Status.Code.INVALID_ARGUMENT,
        "unknown warm pool");
  }

  @Test
  void onlyAdminsChangeTemplatesAndPools() throws Exception {
    Path pool = dir.resolve("pool.yaml");
    Files.writeString(
        pool,
        """
        apiVersion: extensions.agents.x-k8s.io/v1beta1
        kind: SandboxWarmPool
        metadata: {name: small}
        spec:
          replicas: 1
          sandboxTemplateRef: {name: python}
        """);
    String denied = cliError(ERIN, "apply", "-f", pool.toString());
    assertThat(denied).contains("PERMISSION_DENIED").contains("only admin tenants");
    assertThat(cliError(ERIN, "delete", "swp", "python")).contains("PERMISSION_DENIED");

    assertThat(cliText(ADMIN, "apply", "-f", pool.toString()))
        .contains("sandboxwarmpool/small created");
    assertThat(cliText(ADMIN, "apply", "-f", pool.toString()))
        .contains("sandboxwarmpool/small unchanged");
    awaitPoolReady("small", 1);
    assertThat(cliText(ERIN, "get", "swp", "small")).contains("1/1");
    assertThat(cliText(ADMIN, "delete", "swp", "small")).contains("sandboxwarmpool/small deleted");
    assertThat(cliError(ADMIN, "get", "swp", "small")).contains("NOT_FOUND");
  }

  @Test
  void fieldsThatCannotApplyHereAreRejectedWithTheirReasons() throws Exception {
    Path example =
        Path.of(
            "..",
            "controller",
            "src",
            "test",
            "resources",
            "examples",
            "agent-sandbox-v1beta1.yaml");
    String error = cliError(ERIN, "apply", "-f", example.toString());
    assertThat(error).contains("INVALID_ARGUMENT").contains("spec.service").contains("runAsUser");
    assertThat(cliError(ERIN, "get", "sandbox", "notebook-1"))
        .as("nothing from the file was applied")
        .contains("NOT_FOUND");
  }

  // ------------------------------------------------------------------ helpers

  private static String run(String id, String... argv) {
    return Api.call(
            erin,
            Api.RUN,
            RunRequest.newBuilder().setSandboxId(id).addAllArgv(List.of(argv)).build())
        .getStdout()
        .toStringUtf8();
  }

  private static void awaitPoolReady(String pool, int replicas) throws InterruptedException {
    ServerCli.awaitPoolReady(server.port(), ADMIN, pool, replicas);
  }

  private static List<String> poolMembers(String pool) {
    return ServerCli.poolMembers(server.port(), ADMIN, pool);
  }

  private static JsonObject cli(String token, int expectedExit, String... args) {
    String out = cliOutput(token, expectedExit, args)[0];
    // An empty list prints "No resources found." on stderr and nothing on stdout, as kubectl does.
    return out.isBlank() ? new JsonObject().put("items", new JsonArray()) : new JsonObject(out);
  }

  private static String cliText(String token, String... args) {
    return cliOutput(token, 0, args)[0];
  }

  private static String cliError(String token, String... args) {
    return cliOutput(token, 1, args)[1];
  }

  private static String[] cliOutput(String token, int expectedExit, String... args) {
    return ServerCli.run(server.port(), token, expectedExit, args);
  }
}
