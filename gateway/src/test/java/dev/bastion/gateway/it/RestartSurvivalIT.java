package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.api.v1.CreateSandboxRequest;
import dev.bastion.api.v1.GetSandboxRequest;
import dev.bastion.api.v1.ListSandboxesRequest;
import dev.bastion.api.v1.RunRequest;
import dev.bastion.api.v1.Sandbox;
import dev.bastion.controller.runtime.ContainerRuntime;
import dev.bastion.controller.runtime.HostCommand;
import dev.bastion.controller.runtime.RuntimeKind;
import io.grpc.Channel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store is durable: after kill -9 of the server, a restart lists the same sandboxes, the live
 * ones work, and one whose container died meanwhile is FAILED. Runs the real launcher jar as a
 * separate process, so the kill is a real SIGKILL.
 */
class RestartSurvivalIT {

  static final String TOKEN = "restart-token-0123456789";

  @TempDir Path dir;
  Process server;

  @AfterEach
  void cleanUp() throws Exception {
    if (server != null) {
      server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    SandboxHost.removeContainers(dir.resolve("state"));
  }

  @Test
  void sandboxesSurviveAKilledServer() throws Exception {
    SandboxHost.require();
    Files.writeString(dir.resolve("tokens"), TOKEN + " carol\n");
    int port = SandboxHost.freePort();
    server = startServer(port, 0);
    String kept;
    String killed;
    try (Api api = new Api(port)) {
      Channel carol = api.as(TOKEN);
      kept = create(carol);
      killed = create(carol);
      assertThat(run(carol, kept, "sh", "-c", "echo kept > /workspace/f")).isZero();
    }

    server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    HostCommand.Result kill =
        HostCommand.run(
            List.of(
                "runsc",
                "--root",
                dir.resolve("state/gvisor").toString(),
                "kill",
                SandboxHost.hostKey("carol", killed),
                "KILL"),
            Duration.ofSeconds(20));
    assertThat(kill.ok()).as(kill.output()).isTrue();

    server = startServer(port, 0);
    try (Api api = new Api(port)) {
      Channel carol = api.as(TOKEN);
      List<Sandbox> listed =
          Api.call(carol, Api.LIST, ListSandboxesRequest.getDefaultInstance()).getSandboxesList();
      assertThat(listed).extracting(Sandbox::getId).containsExactlyInAnyOrder(kept, killed);
      Sandbox survivor = get(carol, kept);
      assertThat(survivor.getPhase()).isEqualTo(Sandbox.Phase.READY);
      assertThat(
              Api.call(
                      carol,
                      Api.RUN,
                      RunRequest.newBuilder()
                          .setSandboxId(kept)
                          .addArgv("cat")
                          .addArgv("/workspace/f")
                          .build())
                  .getStdout()
                  .toStringUtf8())
          .isEqualTo("kept\n");
      Sandbox dead = get(carol, killed);
      assertThat(dead.getPhase()).isEqualTo(Sandbox.Phase.FAILED);
      assertThat(dead.getMessage()).isNotEmpty();
      assertThat(Path.of("/sys/fs/cgroup/pids/bastion", killed))
          .as("the killed container's cgroup is released")
          .doesNotExist();
    }
  }

  @Test
  void aSuspendedSandboxResumesWithItsMemoryAfterTheServerWasKilled() throws Exception {
    SandboxHost.require();
    Files.writeString(dir.resolve("tokens"), TOKEN + " carol\n");
    int port = SandboxHost.freePort();
    server = startServer(port, 0);
    String id;
    long atSuspend;
    try (Api api = new Api(port)) {
      Channel carol = api.as(TOKEN);
      id = create(carol);
      assertThat(
              run(
                  carol,
                  id,
                  "sh",
                  "-c",
                  "nohup sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/count; sleep 0.1;"
                      + " done' >/dev/null 2>&1 &"))
          .isZero();
      awaitTrue(() -> SnapshotsIT.count(carol, id) >= 3, "the loop counts");
      atSuspend = SnapshotsIT.count(carol, id);
      Api.call(
          carol,
          Api.SUSPEND,
          dev.bastion.api.v1.SuspendSandboxRequest.newBuilder().setSandboxId(id).build());
    }
    server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

    server = startServer(port, 0);
    try (Api api = new Api(port)) {
      Channel carol = api.as(TOKEN);
      assertThat(get(carol, id).getPhase()).isEqualTo(Sandbox.Phase.SUSPENDED);
      Sandbox resumed =
          Api.call(
              carol,
              Api.RESUME,
              dev.bastion.api.v1.ResumeSandboxRequest.newBuilder().setSandboxId(id).build());
      assertThat(resumed.getPhase()).isEqualTo(Sandbox.Phase.READY);
      long atResume = SnapshotsIT.count(carol, id);
      assertThat(atResume).as("the count kept in memory").isGreaterThanOrEqualTo(atSuspend);
      awaitTrue(() -> SnapshotsIT.count(carol, id) > atResume, "the loop counts on");
    }
    assertThat(
            dir.resolve("state/sandboxes")
                .resolve(SandboxHost.hostKey("carol", id))
                .resolve("memory"))
        .as("the image is consumed by the resume")
        .doesNotExist();
  }

  private Process startServer(int port, int warm) throws IOException, InterruptedException {
    Path log = dir.resolve("server-" + System.nanoTime() + ".log");
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dbastion.sandboxd.jar=" + SandboxHost.sandboxdJar().toAbsolutePath(),
                "-jar",
                Path.of("target", "bastion.jar").toAbsolutePath().toString(),
                "serve",
                "--port",
                Integer.toString(port),
                "--state-dir",
                dir.resolve("state").toString(),
                "--tokens-file",
                dir.resolve("tokens").toString(),
                "--warm",
                Integer.toString(warm))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError("server exited: " + Files.readString(log));
      }
      try {
        HttpResponse<Void> ready =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (ready.statusCode() == 200) {
          return process;
        }
      } catch (IOException notListeningYet) {
        // The server is still starting.
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("server not ready in 120 s: " + Files.readString(log));
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  @Test
  void aServerKilledMidClaimNeverHandsOutASandboxTwiceAndItsPoolConverges() throws Exception {
    SandboxHost.require();
    Files.writeString(dir.resolve("tokens"), TOKEN + " carol admin\n");
    int port = SandboxHost.freePort();
    server = startServer(port, 3);
    awaitTrue(() -> readyReplicas(port) == 3, "the pool is ready");

    List<CompletableFuture<Sandbox>> claims = new ArrayList<>();
    try (Api api = new Api(port)) {
      Channel carol = api.as(TOKEN);
      for (int i = 0; i < 6; i++) {
        claims.add(
            CompletableFuture.supplyAsync(
                () ->
                    Api.call(
                        carol,
                        Api.CREATE,
                        CreateSandboxRequest.newBuilder().setWarmPool("python").build())));
      }
      // Kill as soon as the first claim is served: the others are somewhere in between.
      CompletableFuture.anyOf(claims.toArray(CompletableFuture[]::new))
          .exceptionally(e -> null)
          .get(120, TimeUnit.SECONDS);
      server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    server = startServer(port, 3);
    awaitTrue(
        () -> {
          JsonArray items = resources(port, "sandboxclaims").getJsonArray("items");
          return items.stream().map(JsonObject.class::cast).allMatch(c -> "True".equals(ready(c)));
        },
        "every claim that survived is served again");
    Map<String, String> servedBy = new HashMap<>();
    for (Object item : resources(port, "sandboxclaims").getJsonArray("items")) {
      JsonObject claim = (JsonObject) item;
      String sandbox = claim.getJsonObject("status").getJsonObject("sandbox").getString("name");
      String previous = servedBy.put(sandbox, claim.getJsonObject("metadata").getString("name"));
      assertThat(previous).as("sandbox %s serves two claims", sandbox).isNull();
      JsonObject owner =
          resource(port, "sandbox", sandbox)
              .getJsonObject("metadata")
              .getJsonArray("ownerReferences")
              .getJsonObject(0);
      assertThat(owner.getString("uid"))
          .isEqualTo(claim.getJsonObject("metadata").getString("uid"));
    }
    awaitTrue(
        () -> readyReplicas(port) == 3 && poolMembers(port) == 3,
        "the pool converges to its replicas");
    awaitTrue(
        () -> containers().equals(sandboxNames(port)),
        () ->
            "every container belongs to a Sandbox and every Sandbox has its container: containers "
                + containers()
                + ", sandboxes "
                + resources(port, "sandboxes").encodePrettily());
  }

  private Set<String> containers() {
    return new ContainerRuntime(RuntimeKind.GVISOR, dir.resolve("state/gvisor")).list().keySet();
  }

  private static String ready(JsonObject claim) {
    JsonObject status = claim.getJsonObject("status");
    if (status == null || status.getJsonArray("conditions") == null) {
      return "Unknown";
    }
    return status.getJsonArray("conditions").stream()
        .map(JsonObject.class::cast)
        .filter(c -> "Ready".equals(c.getString("type")))
        .map(c -> c.getString("status"))
        .findFirst()
        .orElse("Unknown");
  }

  private static int readyReplicas(int port) {
    JsonObject status = resource(port, "swp", "python").getJsonObject("status");
    return status == null ? 0 : status.getInteger("readyReplicas", 0);
  }

  private static int poolMembers(int port) {
    return (int)
        resources(port, "sandboxes").getJsonArray("items").stream()
            .map(JsonObject.class::cast)
            .filter(
                s ->
                    "python"
                        .equals(
                            s.getJsonObject("metadata")
                                .getJsonObject("labels", new JsonObject())
                                .getString("extensions.agents.x-k8s.io/warm-pool")))
            .count();
  }

  private static JsonObject resource(int port, String kind, String name) {
    return resources(port, kind + "/" + name).getJsonArray("items").getJsonObject(0);
  }

  /** The resource API as the CLI uses it, read as the admin. */
  private static JsonObject resources(int port, String path) {
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + port + "/v1/resources/" + path))
                      .header("authorization", "Bearer " + TOKEN)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return new JsonObject(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void awaitTrue(BooleanSupplier condition, String what)
      throws InterruptedException {
    awaitTrue(condition, () -> what);
  }

  private static void awaitTrue(BooleanSupplier condition, Supplier<String> what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what.get());
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  private static Set<String> sandboxNames(int port) {
    Set<String> names = new HashSet<>();
    resources(port, "sandboxes")
        .getJsonArray("items")
        .forEach(s -> names.add(((JsonObject) s).getJsonObject("metadata").getString("name")));
    return names;
  }

  private static String create(Channel as) {
    return Api.call(as, Api.CREATE, CreateSandboxRequest.newBuilder().setTemplate("python").build())
        .getId();
  }

  private static Sandbox get(Channel as, String id) {
    return Api.call(as, Api.GET, GetSandboxRequest.newBuilder().setSandboxId(id).build());
  }

  private static int run(Channel as, String id, String... argv) {
    return Api.call(
            as, Api.RUN, RunRequest.newBuilder().setSandboxId(id).addAllArgv(List.of(argv)).build())
        .getExitCode();
  }
}
