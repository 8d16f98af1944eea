package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.api.v1.CreateSandboxRequest;
import dev.bastion.api.v1.GetSandboxRequest;
import dev.bastion.api.v1.ListSandboxesRequest;
import dev.bastion.api.v1.RunRequest;
import dev.bastion.api.v1.Sandbox;
import dev.bastion.controller.runtime.HostCommand;
import io.grpc.Channel;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    int port = freePort();
    server = startServer(port);
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
                "runsc", "--root", dir.resolve("state/gvisor").toString(), "kill", killed, "KILL"),
            Duration.ofSeconds(20));
    assertThat(kill.ok()).as(kill.output()).isTrue();

    server = startServer(port);
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

  private Process startServer(int port) throws IOException, InterruptedException {
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
                dir.resolve("tokens").toString())
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

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    }
  }
}
