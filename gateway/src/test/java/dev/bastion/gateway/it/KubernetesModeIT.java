package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.api.v1.CreateSandboxRequest;
import dev.bastion.api.v1.DeleteSandboxRequest;
import dev.bastion.api.v1.RunRequest;
import dev.bastion.api.v1.RunResult;
import dev.bastion.api.v1.Sandbox;
import dev.bastion.controller.embedded.SandboxCeilings;
import dev.bastion.controller.image.PullRules;
import dev.bastion.controller.kubernetes.ClusterFixtures;
import dev.bastion.controller.kubernetes.MockCluster;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.runtime.RuntimeKind;
import dev.bastion.gateway.server.BastionServer;
import dev.bastion.gateway.server.ServerConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --kubernetes} end to end over real sockets: agents' gRPC calls to the gateway,
 * claims and Sandboxes in fabric8's mock API server (CRUD mode), and each sandbox pod played by a
 * real sandboxd process on its own loopback address ({@link LoopbackKubelet}), which the gateway
 * must reach over TCP with that sandbox's token.
 */
class KubernetesModeIT {

  private static final String NAMESPACE = "agents";
  private static final String ERIN = "erin-token-0123456789abcdef";
  private static final String MALLORY = "mallory-token-0123456789abcdef";

  @TempDir static Path dir;
  static MockCluster cluster;
  static KubernetesClient api;
  static LoopbackKubelet kubelet;
  static BastionServer server;
  static Api grpc;

  @BeforeAll
  static void start() throws Exception {
    cluster = new MockCluster();
    api = cluster.client();
    kubelet =
        new LoopbackKubelet(
            cluster.client(),
            NAMESPACE,
            dir.resolve("pods"),
            pod ->
                "hostile".equals(pod.getMetadata().getLabels().get("role"))
                    ? HostileSandboxd::start
                    : LoopbackKubelet.REAL);
    apply(
        """
        apiVersion: extensions.agents.x-k8s.io/v1beta1
        kind: SandboxTemplate
        metadata: {name: python}
        spec:
          podTemplate:
            spec:
              runtimeClassName: gvisor
              containers:
              - name: main
                image: bastion/python:dev
        ---
        apiVersion: extensions.agents.x-k8s.io/v1beta1
        kind: SandboxWarmPool
        metadata: {name: python}
        spec:
          replicas: 1
          sandboxTemplateRef: {name: python}
        ---
        apiVersion: extensions.agents.x-k8s.io/v1beta1
        kind: SandboxTemplate
        metadata: {name: hostile}
        spec:
          podTemplate:
            metadata:
              labels: {role: hostile}
            spec:
              runtimeClassName: gvisor
              containers:
              - name: main
                image: bastion/python:dev
        ---
        apiVersion: extensions.agents.x-k8s.io/v1beta1
        kind: SandboxWarmPool
        metadata: {name: hostile}
        spec:
          replicas: 1
          sandboxTemplateRef: {name: hostile}
        """);
    // fabric8 finds its API server as kubectl would; these say where, without a kubeconfig.
    System.setProperty("kubernetes.master", cluster.url());
    System.setProperty("kubernetes.auth.tryKubeConfig", "false");
    System.setProperty("kubernetes.auth.tryServiceAccount", "false");
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, ERIN + " erin\n" + MALLORY + " mallory\n");
    int port = SandboxHost.freePort();
    ServerConfig config =
        new ServerConfig(
            "127.0.0.1",
            port,
            dir.resolve("state"),
            tokens,
            RuntimeKind.GVISOR,
            SandboxHost.CACHE_DIR,
            SandboxHost.MIRROR,
            SandboxHost.sandboxdJar(),
            0,
            dir.resolve("state").resolve("audit.jsonl"),
            NAMESPACE,
            SandboxCeilings.defaults(),
            null,
            PullRules.standard());
    server = BastionServer.start(config, System.out::println);
    grpc = new Api(port);
    awaitPoolReady("python");
    awaitPoolReady("hostile");
  }

  private static void awaitPoolReady(String name) throws InterruptedException {
    ClusterFixtures.await(
        () -> {
          var pool =
              api.resources(dev.bastion.controller.model.SandboxWarmPool.class)
                  .inNamespace(NAMESPACE)
                  .withName(name)
                  .get();
          return pool.getStatus() != null
              && Integer.valueOf(1).equals(pool.getStatus().getReadyReplicas());
        },
        Duration.ofSeconds(60),
        "a ready sandbox in the warm pool " + name);
  }

  @AfterAll
  static void stop() throws Exception {
    if (grpc != null) {
      grpc.close();
    }
    if (server != null) {
      server.close();
    }
    if (kubelet != null) {
      kubelet.close();
    }
    if (api != null) {
      api.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    for (String property :
        List.of(
            "kubernetes.master",
            "kubernetes.auth.tryKubeConfig",
            "kubernetes.auth.tryServiceAccount")) {
      System.clearProperty(property);
    }
  }

  @Test
  void aWarmSandboxRunsCodeThroughThePodAddressWithItsToken() {
    Channel erin = grpc.as(ERIN);
    Sandbox sandbox =
        Api.call(erin, Api.CREATE, CreateSandboxRequest.newBuilder().setWarmPool("python").build());
    assertThat(sandbox.getPhase()).isEqualTo(Sandbox.Phase.READY);
    assertThat(sandbox.getLaunchType()).isEqualTo("warm");
    assertThat(sandbox.getRuntime()).isEqualTo("gvisor");

    RunResult result =
        Api.call(
            erin,
            Api.RUN,
            RunRequest.newBuilder()
                .setSandboxId(sandbox.getId())
                .addAllArgv(List.of("sh", "-c", "echo $((6*7))"))
                .build());
    assertThat(result.getStdout().toStringUtf8()).isEqualTo("42\n");
    assertThat(result.getExitCode()).isZero();

    // Another tenant sees nothing, as in embedded mode.
    assertThatThrownBy(
            () ->
                Api.call(
                    grpc.as(MALLORY),
                    Api.RUN,
                    RunRequest.newBuilder().setSandboxId(sandbox.getId()).addArgv("true").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));

    Api.call(
        erin, Api.DELETE, DeleteSandboxRequest.newBuilder().setSandboxId(sandbox.getId()).build());
    assertThat(api.resources(SandboxClaim.class).inNamespace(NAMESPACE).list().getItems())
        .noneMatch(
            c ->
                c.getStatus() != null
                    && sandbox.getId().equals(c.getStatus().getSandbox().getName()));
    assertThat(
            api.resources(dev.bastion.controller.model.Sandbox.class)
                .inNamespace(NAMESPACE)
                .withName(sandbox.getId())
                .get())
        .isNull();
  }

  /** Upstream's semantics: a pod cannot be checkpointed here, and the API says so. */
  @Test
  void snapshotCallsAnswerUnimplementedWithTheReason() {
    Channel erin = grpc.as(ERIN);
    GatewayIT.assertStatus(
        () ->
            Api.call(
                erin,
                Api.LIST_SNAPSHOTS,
                dev.bastion.api.v1.ListSnapshotsRequest.getDefaultInstance()),
        io.grpc.Status.Code.UNIMPLEMENTED,
        "snapshots need embedded mode");
    GatewayIT.assertStatus(
        () ->
            Api.call(
                erin,
                Api.CREATE,
                CreateSandboxRequest.newBuilder().setSnapshot("snap-000000000000").build()),
        io.grpc.Status.Code.UNIMPLEMENTED,
        "Suspend keeps only its volumes");
  }

  @Test
  void applyGetAndDeleteAreLeftToKubectl() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/v1/resources/sandboxes"))
                    .header("authorization", "Bearer " + ERIN)
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(501);
    assertThat(response.body()).contains("kubectl");
  }

  /**
   * A sandboxd that ignores its limits (as code that took its place would) answers an MCP run with
   * 8 MiB and a read with 16 MiB: the gateway stops each call at its own bound and says so, rather
   * than collecting what sandboxd sends.
   */
  @Test
  void theGatewayBoundsWhatItCollectsWhateverSandboxdAnswers() throws Exception {
    Sandbox sandbox =
        Api.call(
            grpc.as(ERIN),
            Api.CREATE,
            CreateSandboxRequest.newBuilder().setWarmPool("hostile").build());
    for (String call :
        List.of(
            "{\"name\":\"run_command\",\"arguments\":{\"sandbox_id\":\"%s\",\"argv\":[\"true\"]}}",
            "{\"name\":\"read_file\",\"arguments\":{\"sandbox_id\":\"%s\",\"path\":\"a\"}}")) {
      String params = call.formatted(sandbox.getId());
      HttpResponse<String> answer =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/mcp"))
                      .header("authorization", "Bearer " + ERIN)
                      .header("content-type", "application/json")
                      .header("accept", "application/json, text/event-stream")
                      .timeout(Duration.ofSeconds(30))
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
                                  + "\"params\":"
                                  + params
                                  + "}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body())
          .as(params)
          .contains("\"isError\":true")
          .contains("answered more than the call asked for")
          .hasSizeLessThan(4096);
    }
    Api.call(
        grpc.as(ERIN),
        Api.DELETE,
        DeleteSandboxRequest.newBuilder().setSandboxId(sandbox.getId()).build());
  }

  private static void apply(String yaml) {
    ClusterFixtures.apply(api, NAMESPACE, yaml);
  }
}
