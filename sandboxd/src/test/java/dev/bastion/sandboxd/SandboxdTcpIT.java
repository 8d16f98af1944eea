package dev.bastion.sandboxd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bastion.api.v1.ListProcessesRequest;
import dev.bastion.api.v1.ListProcessesResponse;
import dev.bastion.api.v1.ProcessesGrpcClient;
import dev.bastion.api.v1.RunRequest;
import dev.bastion.api.v1.RunResult;
import dev.bastion.sandboxd.GrpcTestClient.Outcome;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.common.GrpcStatus;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sandboxd on TCP (as on Kubernetes, where the gateway reaches the pod IP): only calls that carry
 * the sandbox's token get through, and {@code --health-check} of the built jar reports whether it
 * answers. Loopback only.
 */
class SandboxdTcpIT {

  private static final String TOKEN = "tcp-it-token-0123456789";

  @TempDir static Path temp;
  static Path tokenFile;
  static SandboxdServer server;
  static SocketAddress address;

  @BeforeAll
  static void startServer() throws Exception {
    tokenFile = Files.writeString(temp.resolve("token"), TOKEN + "\n");
    Path workspace = Files.createDirectory(temp.resolve("workspace"));
    server =
        LocalSandboxd.start(
            "--listen", "127.0.0.1:0",
            "--token-file", tokenFile.toString(),
            "--workspace", workspace.toString());
    assertThat(server.tcpPort()).isPositive();
    address = SocketAddress.inetSocketAddress(server.tcpPort(), "127.0.0.1");
  }

  @AfterAll
  static void stopServer() throws Exception {
    LocalSandboxd.stop(server);
  }

  @Test
  void aCallWithTheTokenWorks() throws Exception {
    try (GrpcTestClient client = new GrpcTestClient(address, "Bearer " + TOKEN)) {
      RunResult result =
          client
              .call(
                  ProcessesGrpcClient.Run,
                  RunRequest.newBuilder().addArgv("sh").addArgv("-c").addArgv("echo hi").build())
              .single();
      assertThat(result.getStdout().toString(StandardCharsets.UTF_8)).isEqualTo("hi\n");
      assertThat(result.getExitCode()).isZero();
    }
  }

  @Test
  void aCallWithoutTheRightTokenIsUnauthenticated() throws Exception {
    for (String authorization :
        new String[] {null, "Bearer wrong", "Bearer " + TOKEN + "x", TOKEN, "Basic " + TOKEN}) {
      try (GrpcTestClient client = new GrpcTestClient(address, authorization)) {
        Outcome<ListProcessesResponse> outcome =
            client.call(ProcessesGrpcClient.List, ListProcessesRequest.getDefaultInstance());
        assertThat(outcome.status()).as(authorization).isEqualTo(GrpcStatus.UNAUTHENTICATED);
        assertThat(outcome.message()).isEqualTo("a valid bearer token is required");
        assertThat(outcome.messages()).isEmpty();
      }
    }
  }

  @Test
  void refusesToStartOnTcpWithoutAUsableToken() throws Exception {
    Path empty = Files.writeString(temp.resolve("empty-token"), "\n");
    ExecutionException failure =
        assertThrows(
            ExecutionException.class,
            () ->
                LocalSandboxd.await(
                    SandboxdServer.start(
                        SandboxdConfig.parse(
                            "--listen", "127.0.0.1:0",
                            "--token-file", empty.toString(),
                            "--workspace", temp.toString()))));
    assertThat(failure.getCause()).hasMessage("the token file " + empty + " is empty");
    assertThatThrownBy(() -> SandboxdConfig.parse("--listen", "127.0.0.1:0"))
        .hasMessage("refusing to serve TCP without --token-file");
  }

  @Test
  void theJarsHealthCheckPassesAgainstTheServerAndFailsAgainstNothing() throws Exception {
    HealthRun healthy =
        healthCheck(
            "--listen", "0.0.0.0:" + server.tcpPort(), "--token-file", tokenFile.toString());
    assertThat(healthy.exitCode()).as(healthy.lastLine()).isZero();
    assertThat(healthy.lastLine()).isEqualTo("sandboxd: healthy");

    Path wrongToken = Files.writeString(temp.resolve("wrong-token"), "nope");
    HealthRun refused =
        healthCheck(
            "--listen", "127.0.0.1:" + server.tcpPort(), "--token-file", wrongToken.toString());
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.lastLine())
        .isEqualTo(
            "sandboxd: unhealthy: sandboxd answered UNAUTHENTICATED:"
                + " a valid bearer token is required");

    HealthRun nothing =
        healthCheck("--listen", "127.0.0.1:" + freePort(), "--token-file", tokenFile.toString());
    assertThat(nothing.exitCode()).isEqualTo(1);
    assertThat(nothing.lastLine())
        .startsWith("sandboxd: unhealthy: cannot reach sandboxd at 127.0.0.1:");
  }

  /** How a health check ended; its verdict is its last line (a newer JDK may warn before it). */
  private record HealthRun(int exitCode, String lastLine) {}

  /** Runs the packaged jar's health check the way a container HEALTHCHECK does. */
  private static HealthRun healthCheck(String... flags) throws Exception {
    Path jar = Path.of(System.getProperty("sandboxd.jar", "target/sandboxd.jar"));
    assertThat(jar).as("sandboxd.jar is packaged before integration tests").isRegularFile();
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.addAll(List.of("-jar", jar.toString(), "--health-check"));
    argv.addAll(List.of(flags));
    Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
    // The check promises an answer within a few seconds, JVM start included.
    assertThat(process.waitFor(15, TimeUnit.SECONDS)).as("health check finished").isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new HealthRun(process.exitValue(), output.lines().reduce((a, b) -> b).orElse(""));
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    }
  }
}
