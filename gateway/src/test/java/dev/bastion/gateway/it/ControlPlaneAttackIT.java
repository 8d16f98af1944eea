package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.api.v1.CreateSandboxRequest;
import dev.bastion.api.v1.GetSandboxRequest;
import dev.bastion.api.v1.RunResult;
import dev.bastion.api.v1.Sandbox;
import dev.bastion.gateway.server.BastionServer;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane attacked by a tenant, against a real server: what {@code apply} lets a tenant
 * write into the objects the controller decides from, and whether apply keeps the admission that
 * {@code Sandboxes.Create} keeps. <b>alice</b> attacks; <b>bob</b> is another tenant whose claimed
 * sandbox must survive; <b>ops</b> is the admin who applies alice's policy. Each attack is listed
 * in docs/SECURITY.md ("Control plane").
 */
class ControlPlaneAttackIT {

  static final String OPS = "cp-ops-token-0123456789";
  static final String ALICE = "cp-alice-token-0123456789";
  static final String BOB = "cp-bob-token-0123456789";

  @TempDir static Path dir;
  static BastionServer server;
  static Api api;
  static Sandbox bobs;
  static BlockedThreadWarnings blocked;

  @BeforeAll
  static void start() throws Exception {
    SandboxHost.require();
    blocked = new BlockedThreadWarnings();
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, OPS + " ops admin\n" + ALICE + " alice\n" + BOB + " bob\n");
    server = SandboxHost.start(dir.resolve("state"), tokens, 2);
    api = new Api(server.port());
    ServerCli.awaitPoolReady(server.port(), OPS, "python", 2);
    // Bob's sandbox comes from the pool, so a claim of his serves it.
    bobs =
        Api.call(
            api.as(BOB),
            Api.CREATE,
            CreateSandboxRequest.newBuilder().setWarmPool("python").build());
    assertThat(bobs.getLaunchType()).isEqualTo("warm");
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(
        policy,
        """
        apiVersion: bastion.dev/v1alpha1
        kind: ToolPolicy
        metadata: {name: alice-quota}
        spec:
          tenants: [alice]
          limits: {maxSandboxes: 2}
        """);
    cli(OPS, 0, "apply", "-f", policy.toString());
  }

  @AfterAll
  static void stop() throws Exception {
    if (api != null) {
      Api.deleteAllSandboxes(List.of(api.as(ALICE), api.as(BOB)));
      api.close();
    }
    if (server != null) {
      server.close();
    }
    SandboxHost.removeContainers(dir.resolve("state"));
    if (blocked != null) {
      // Last, once all is cleaned up: no attack here may have held this JVM's event loops.
      blocked.closeAndAssertQuiet();
    }
  }

  @Test
  void aSandboxPosingAsAPoolMemberIsRefusedAndThePoolIsUntouched() throws Exception {
    JsonObject pool = json(cli(OPS, 0, "get", "swp", "python", "-o", "json"));
    String uid = pool.getJsonObject("metadata").getString("uid");
    List<String> membersBefore = ServerCli.poolMembers(server.port(), OPS, "python");

    String error =
        apply(
            ALICE,
            1,
            """
            apiVersion: agents.x-k8s.io/v1beta1
            kind: Sandbox
            metadata:
              name: python-forged
              labels: {extensions.agents.x-k8s.io/warm-pool: python}
              ownerReferences:
              - {apiVersion: extensions.agents.x-k8s.io/v1beta1, kind: SandboxWarmPool,
                 name: python, uid: %s, controller: true}
            spec:
              podTemplate:
                spec:
                  containers: [{name: main, image: bastion/python}]
            """
                .formatted(uid));

    assertThat(error)
        .contains("INVALID_ARGUMENT")
        .contains("metadata.labels[\"extensions.agents.x-k8s.io/warm-pool\"]")
        .contains("metadata.ownerReferences")
        .contains("reserved for the controller");
    assertThat(cli(ALICE, 1, "get", "sandbox", "python-forged")[1]).contains("NOT_FOUND");
    assertThat(ServerCli.poolMembers(server.port(), OPS, "python")).isEqualTo(membersBefore);
  }

  @Test
  void aLabelNamingAnotherTenantsClaimIsRefusedAndTheClaimSurvives() throws Exception {
    String claim = bobsClaim();
    String error =
        apply(
            ALICE,
            1,
            """
            apiVersion: agents.x-k8s.io/v1beta1
            kind: Sandbox
            metadata:
              name: decoy
              labels: {extensions.agents.x-k8s.io/claim: %s}
            spec:
              podTemplate:
                spec:
                  containers: [{name: main, image: bastion/python}]
            """
                .formatted(claim));

    assertThat(error)
        .contains("INVALID_ARGUMENT")
        .contains("metadata.labels[\"extensions.agents.x-k8s.io/claim\"]");
    assertThat(
            Api.call(
                    api.as(BOB),
                    Api.GET,
                    GetSandboxRequest.newBuilder().setSandboxId(bobs.getId()).build())
                .getPhase()
                .name())
        .isEqualTo("READY");
    assertThat(bobsClaim()).isEqualTo(claim);
  }

  @Test
  void anAppliedSandboxKeepsTheQuotaTheLifetimeAndTheCeilingsOfCreate() throws Exception {
    Channel alice = api.as(ALICE);
    assertThat(apply(ALICE, 0, sandbox("mine-1", ""))).contains("sandbox/mine-1 created");
    assertThat(apply(ALICE, 0, sandbox("mine-2", ""))).contains("sandbox/mine-2 created");

    String third = apply(ALICE, 1, sandbox("mine-3", ""));
    assertThat(third).contains("RESOURCE_EXHAUSTED").contains("sandbox quota reached");
    assertThat(cli(ALICE, 1, "get", "sandbox", "mine-3")[1]).contains("NOT_FOUND");

    // Created without a shutdown time, it gets the server's default lifetime.
    JsonObject first = json(cli(ALICE, 0, "get", "sandbox", "mine-1", "-o", "json"));
    assertThat(first.getJsonObject("spec").getString("shutdownTime")).isNotBlank();
    assertThat(first.getJsonObject("spec").getString("shutdownPolicy")).isEqualTo("Delete");
    cli(ALICE, 0, "delete", "sandbox", "mine-2");

    String forever =
        apply(
            ALICE,
            1,
            sandbox("mine-forever", "")
                .replaceFirst("spec:", "spec:\n  shutdownTime: \"2999-01-01T00:00:00Z\""));
    assertThat(forever).contains("INVALID_ARGUMENT").contains("maximum lifetime");

    String huge =
        apply(
            ALICE,
            1,
            sandbox("mine-huge", "resources: {limits: {memory: 15Gi, ephemeral-storage: 8Gi}}"));
    assertThat(huge)
        .contains("INVALID_ARGUMENT")
        .contains("--max-sandbox-memory")
        .contains("--max-sandbox-tmp");
    Api.deleteAllSandboxes(List.of(alice));
  }

  @Test
  void twoTenantsEachOwnASandboxNamedDev() throws Exception {
    assertThat(apply(BOB, 0, sandbox("dev", ""))).contains("sandbox/dev created");
    // Before names were scoped, this answered that "dev" belonged to another tenant.
    assertThat(apply(OPS, 0, sandbox("dev", ""))).contains("sandbox/dev created");
    awaitReady(BOB, "dev");
    awaitReady(OPS, "dev");

    Api.run(api.as(BOB), "dev", "sh", "-c", "echo bob > /workspace/who");
    RunResult ops = Api.run(api.as(OPS), "dev", "sh", "-c", "cat /workspace/who; hostname");
    assertThat(ops.getStdout().toStringUtf8()).isEqualTo("dev\n");
    assertThat(ops.getStderr().toStringUtf8()).contains("No such file");
    assertThat(Api.run(api.as(BOB), "dev", "cat", "/workspace/who").getStdout().toStringUtf8())
        .isEqualTo("bob\n");

    cli(BOB, 0, "delete", "sandbox", "dev");
    assertThat(cli(BOB, 1, "get", "sandbox", "dev")[1]).contains("NOT_FOUND");
    assertThat(Api.run(api.as(OPS), "dev", "true").getExitCode()).isZero();
    cli(OPS, 0, "delete", "sandbox", "dev");
  }

  /**
   * Nested anchors of ~400 bytes that expand to a million nodes (within the YAML library's default
   * of 50 aliases), several at once: each is refused from the parser's events, and the gateway
   * answers its health check meanwhile.
   */
  @Test
  void aliasBombsAreRefusedBeforeTheyExpand() throws Exception {
    String bomb = dev.bastion.controller.model.HostileManifests.aliasBomb();
    HttpClient http = HttpClient.newHttpClient();
    List<CompletableFuture<HttpResponse<String>>> bombs = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      bombs.add(
          http.sendAsync(
              HttpRequest.newBuilder(URI.create(base() + "/v1/apply"))
                  .header("authorization", "Bearer " + ALICE)
                  .timeout(Duration.ofSeconds(60))
                  .POST(HttpRequest.BodyPublishers.ofString(bomb))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(URI.create(base() + "/healthz"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    for (CompletableFuture<HttpResponse<String>> answer : bombs) {
      HttpResponse<String> refused = answer.get(60, TimeUnit.SECONDS);
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.body()).contains("aliases expand past");
    }
  }

  /**
   * An argument of 800 KB once held an event loop for minutes in the audit's patterns. It is now
   * refused at the gateway, naming the bound, before any pattern reads it; several at once leave
   * the gateway serving.
   */
  @Test
  void anEnormousArgumentIsRefusedAtTheGateway() {
    Channel bob = api.as(BOB);
    String huge = "--token" + "a".repeat(800_000) + "!";
    List<CompletableFuture<Status.Code>> attempts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      attempts.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  Api.run(bob, bobs.getId(), "echo", huge);
                  return Status.Code.OK;
                } catch (StatusRuntimeException e) {
                  assertThat(e.getStatus().getDescription())
                      .isEqualTo("argv[1] is 800008 characters long, more than 131072");
                  return e.getStatus().getCode();
                }
              }));
    }
    assertThat(attempts)
        .allSatisfy(a -> assertThat(a.join()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThat(Api.run(bob, bobs.getId(), "echo", "fine").getStdout().toStringUtf8())
        .isEqualTo("fine\n");
  }

  /**
   * grpc-message on the wire escapes only what the gRPC spec asks: a client that decodes with
   * decodeURI (grpc-js) must read {@code /etc/passwd}, not {@code %2Fetc%2Fpasswd}.
   */
  @Test
  void errorMessagesTravelAsTheSpecEncodesThem() throws Exception {
    byte[] read =
        dev.bastion.api.v1.ReadFileRequest.newBuilder()
            .setSandboxId(bobs.getId())
            .setPath("/etc/passwd")
            .build()
            .toByteArray();
    try (RawGrpc raw = new RawGrpc(server.port())) {
      RawGrpc.Answer answer =
          raw.call(
              "bastion.v1.Files/Read",
              java.util.Map.of("authorization", "Bearer " + BOB),
              RawGrpc.frame(read),
              Calls.PATIENCE);
      assertThat(answer.grpcStatus()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
      assertThat(answer.wireMessage()).contains("/etc/passwd").contains("/workspace");
      assertThat(answer.wireMessage()).doesNotContain("%2F");
    }
  }

  // ------------------------------------------------------------------ helpers

  private static String base() {
    return "http://127.0.0.1:" + server.port();
  }

  private static void awaitReady(String token, String name) throws InterruptedException {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(90).toNanos();
    while (true) {
      JsonObject status = json(cli(token, 0, "get", "sandbox", name, "-o", "json"));
      JsonArray conditions =
          status.getJsonObject("status", new JsonObject()).getJsonArray("conditions");
      boolean ready =
          conditions != null
              && conditions.stream()
                  .map(JsonObject.class::cast)
                  .anyMatch(
                      c ->
                          "Ready".equals(c.getString("type"))
                              && "True".equals(c.getString("status")));
      if (ready) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("sandbox " + name + " not ready: " + status);
      }
      java.util.concurrent.TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  private static String sandbox(String name, String containerExtra) {
    return """
        apiVersion: agents.x-k8s.io/v1beta1
        kind: Sandbox
        metadata: {name: %s}
        spec:
          podTemplate:
            spec:
              containers: [{name: main, image: bastion/python%s}]
        """
        .formatted(name, containerExtra.isEmpty() ? "" : ", " + containerExtra);
  }

  private static String bobsClaim() {
    JsonObject sandbox = json(cli(OPS, 0, "get", "sandbox", bobs.getId(), "-o", "json"));
    return sandbox
        .getJsonObject("metadata")
        .getJsonObject("labels")
        .getString("extensions.agents.x-k8s.io/claim");
  }

  /** Applies {@code yaml} as {@code token}; returns stdout on success, stderr on failure. */
  private static String apply(String token, int expectedExit, String yaml) throws Exception {
    Path file = Files.createTempFile(dir, "apply", ".yaml");
    Files.writeString(file, yaml);
    String[] out = cli(token, expectedExit, "apply", "-f", file.toString());
    return expectedExit == 0 ? out[0] : out[1];
  }

  private static JsonObject json(String[] out) {
    return new JsonObject(out[0]);
  }

  private static String[] cli(String token, int expectedExit, String... args) {
    return ServerCli.run(server.port(), token, expectedExit, args);
  }
}
