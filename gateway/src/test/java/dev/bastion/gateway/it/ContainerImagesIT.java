package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.controller.runtime.HostCommand;
import dev.bastion.controller.runtime.RootFilesystem;
import dev.bastion.gateway.images.ContainerImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container images build from this checkout (through the one code path {@code ./bastion images}
 * uses) and run: the gateway image prints its usage, and a sandbox image with its token mounted
 * becomes healthy by its own HEALTHCHECK. Needs dockerd, which {@code ./bastion test} starts; off
 * CI a missing dockerd skips the class, on CI it fails.
 */
class ContainerImagesIT {

  private static final Duration DOCKER_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(60);

  @TempDir Path temp;
  private final List<String> containers = new ArrayList<>();

  @BeforeAll
  static void buildImages() {
    Optional<String> unavailable = ContainerImages.dockerUnavailable();
    SandboxHost.require(
        unavailable.isEmpty(), unavailable.orElse("") + "; ./bastion test starts dockerd");
    long started = System.nanoTime();
    new ContainerImages(
            Path.of(".."),
            new RootFilesystem(SandboxHost.CACHE_DIR, SandboxHost.MIRROR),
            Path.of("target/container-images.log"))
        .build(line -> System.out.println("[images] " + line));
    System.out.println(
        "[images] ready in " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + " s");
  }

  @AfterEach
  void removeContainers() {
    for (String container : containers) {
      docker("rm", "--force", container);
    }
  }

  @Test
  void theGatewayImagePrintsItsUsage() {
    HostCommand.Result help =
        docker("run", "--rm", "--network=none", ContainerImages.GATEWAY_IMAGE, "--help");
    assertThat(help.exitCode()).as(help.output()).isZero();
    assertThat(help.output()).contains("Usage: bastion", "serve", "images");
    HostCommand.Result user =
        docker("image", "inspect", "--format", "{{.Config.User}}", ContainerImages.GATEWAY_IMAGE);
    assertThat(user.output().strip()).isEqualTo("bastion");
  }

  @Test
  void aSandboxWithItsTokenBecomesHealthyAndRefusesOtherTokens() throws Exception {
    Path token = Files.writeString(temp.resolve("token"), UUID.randomUUID() + "\n");
    // The container's user (1000) reads it through the bind mount.
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
    String container = "bastion-images-it-" + UUID.randomUUID().toString().substring(0, 8);
    containers.add(container);
    // Its own network namespace with loopback only: the health check dials 127.0.0.1 inside it.
    // Checking every second instead of the image's 30 s keeps the wait short; the check itself
    // is the image's.
    HostCommand.Result run =
        docker(
            "run",
            "--detach",
            "--name",
            container,
            "--network=none",
            "--health-interval=1s",
            "--volume",
            token + ":/var/run/bastion/token:ro",
            ContainerImages.SANDBOX_IMAGE);
    assertThat(run.exitCode()).as(run.output()).isZero();
    awaitHealthy(container);

    HostCommand.Result whoami = docker("exec", container, "id", "-un");
    assertThat(whoami.output().strip()).isEqualTo("sandbox");
    HostCommand.Result wrongToken =
        docker(
            "exec",
            "--env",
            "SANDBOXD_TOKEN_FILE=/tmp/wrong-token",
            container,
            "sh",
            "-c",
            "echo wrong > /tmp/wrong-token && exec java -jar /opt/bastion/sandboxd.jar"
                + " --health-check");
    assertThat(wrongToken.exitCode()).isEqualTo(1);
    assertThat(wrongToken.lastLine())
        .isEqualTo(
            "sandboxd: unhealthy: sandboxd answered UNAUTHENTICATED:"
                + " a valid bearer token is required");
  }

  @Test
  void aSandboxWithoutItsTokenRefusesToStart() {
    HostCommand.Result run = docker("run", "--rm", "--network=none", ContainerImages.SANDBOX_IMAGE);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.lastLine())
        .endsWith("sandboxd could not start: the token file /var/run/bastion/token does not exist");
  }

  /** Polls the container's health as docker reports it; a stopped container fails at once. */
  private static void awaitHealthy(String container) throws InterruptedException {
    long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
    String state = "";
    while (System.nanoTime() < deadline) {
      state =
          docker("inspect", "--format", "{{.State.Status}} {{.State.Health.Status}}", container)
              .output()
              .strip();
      if (state.equals("running healthy")) {
        return;
      }
      if (!state.startsWith("running")) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(250);
    }
    throw new AssertionError(
        "container "
            + container
            + " is not healthy ("
            + state
            + "); health log: "
            + docker("inspect", "--format", "{{json .State.Health}}", container).output()
            + "; container log: "
            + docker("logs", container).output());
  }

  private static HostCommand.Result docker(String... args) {
    List<String> argv = new ArrayList<>(List.of("docker"));
    argv.addAll(List.of(args));
    return HostCommand.run(argv, DOCKER_TIMEOUT);
  }
}
