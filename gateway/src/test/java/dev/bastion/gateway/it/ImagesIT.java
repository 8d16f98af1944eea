package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.api.v1.RunResult;
import dev.bastion.api.v1.Sandbox;
import dev.bastion.controller.embedded.SandboxCeilings;
import dev.bastion.controller.image.ImageReference;
import dev.bastion.controller.image.ImageStore;
import dev.bastion.controller.image.LocalImage;
import dev.bastion.controller.image.PullRules;
import dev.bastion.controller.runtime.RuntimeKind;
import dev.bastion.gateway.Main;
import dev.bastion.gateway.server.BastionServer;
import dev.bastion.gateway.server.ServerConfig;
import dev.bastion.loadtest.images.Commands;
import dev.bastion.loadtest.images.ImageBuilder;
import dev.bastion.loadtest.images.ImageTemplates;
import dev.bastion.loadtest.images.LocalRegistry;
import dev.bastion.loadtest.images.OwnImageCache;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Sandboxes from images pulled for real: a CNCF distribution registry on loopback (one open, one
 * behind a password), images built with umoci and pushed with skopeo, and a gVisor server that
 * pulls them with its image store of its own.
 */
class ImagesIT {

  static final String OPS = "images-ops-token-0123456789";
  static final long MAX_IMAGE_BYTES = 48L << 20;

  @TempDir static Path dir;
  static LocalRegistry registry;
  static LocalRegistry locked;
  static BastionServer server;
  static Api api;
  static Path cache;
  // Allowed, and nothing listens there: a registry that is down.
  static String down;

  @BeforeAll
  static void start() throws Exception {
    SandboxHost.require();
    for (String tool : List.of("docker-registry", "skopeo", "umoci", "htpasswd")) {
      SandboxHost.require(
          Commands.installed(tool), tool + " is not installed; ./bastion test installs it");
    }
    registry = LocalRegistry.open(dir.resolve("registry"));
    locked = LocalRegistry.withPassword(dir.resolve("locked"), "ci", "secret-1");
    down = "127.0.0.1:" + SandboxHost.freePort();
    cache = OwnImageCache.create(dir.resolve("cache"), SandboxHost.CACHE_DIR);
    Path tokens = Files.writeString(dir.resolve("tokens"), OPS + " ops admin\n");
    ServerConfig config =
        new ServerConfig(
            "127.0.0.1",
            SandboxHost.freePort(),
            dir.resolve("state"),
            tokens,
            RuntimeKind.GVISOR,
            cache,
            SandboxHost.MIRROR,
            SandboxHost.sandboxdJar(),
            0,
            dir.resolve("state").resolve("audit.jsonl"),
            null,
            SandboxCeilings.defaults(),
            null,
            new PullRules(
                Set.of(),
                Set.of(registry.address(), locked.address(), down),
                Optional.empty(),
                MAX_IMAGE_BYTES));
    server = BastionServer.start(config, System.out::println);
    api = new Api(server.port());
  }

  @AfterAll
  static void stop() throws Exception {
    if (api != null) {
      Api.deleteAllSandboxes(List.of(api.as(OPS)));
      api.close();
    }
    if (server != null) {
      server.close();
    }
    SandboxHost.removeContainers(dir.resolve("state"));
    for (LocalRegistry r : new LocalRegistry[] {registry, locked}) {
      if (r != null) {
        r.close();
      }
    }
  }

  @Test
  void aSandboxRunsAPulledImageWithItsFilesEnvWorkingDirAndUser() throws Exception {
    String digest =
        ImageBuilder.builder(Files.createDirectories(dir.resolve("marker")))
            .file("/srv/marker.txt", "only-in-this-image\n")
            .env("GREETING", "hello")
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .workingDir("/srv")
            .user("1234:1234")
            .pushTo(registry, "test/marker:v1");
    template("marker", registry.address() + "/test/marker:v1", "");
    Channel ops = api.as(OPS);

    Sandbox sandbox = Api.create(ops, "marker");

    assertThat(stdout(run(ops, sandbox, "cat", "/srv/marker.txt")))
        .isEqualTo("only-in-this-image\n");
    assertThat(stdout(run(ops, sandbox, "pwd"))).isEqualTo("/srv\n");
    assertThat(stdout(run(ops, sandbox, "id", "-u"))).isEqualTo("1234\n");
    assertThat(stdout(run(ops, sandbox, "env"))).contains("GREETING=hello\n");
    // The workspace is the image user's, the root filesystem nobody's to change.
    assertThat(
            run(ops, sandbox, "sh", "-c", "echo x > /workspace/f && cat /workspace/f")
                .getExitCode())
        .isZero();
    assertThat(run(ops, sandbox, "sh", "-c", "echo x > /srv/marker.txt").getExitCode()).isNotZero();
    assertThat(readyMessage(sandbox.getId()))
        .isEqualTo("runs " + registry.address() + "/test/marker@" + digest);
  }

  @Test
  void aNewTagPushedIsPulledByAlwaysWhileTheOlderSandboxKeepsItsImage() throws Exception {
    Path work = Files.createDirectories(dir.resolve("moving"));
    ImageBuilder.builder(work).file("/version", "one\n").pushTo(registry, "test/moving:latest");
    template("moving", registry.address() + "/test/moving:latest", "Always");
    Channel ops = api.as(OPS);
    Sandbox first = Api.create(ops, "moving");
    assertThat(stdout(run(ops, first, "cat", "/version"))).isEqualTo("one\n");

    ImageBuilder.builder(work).file("/version", "two\n").pushTo(registry, "test/moving:latest");
    Sandbox second = Api.create(ops, "moving");

    assertThat(stdout(run(ops, second, "cat", "/version"))).isEqualTo("two\n");
    assertThat(stdout(run(ops, first, "cat", "/version"))).isEqualTo("one\n");
  }

  @Test
  void aFailedPullFailsCreateWithFailedPreconditionNamingTheImage() throws Exception {
    String missing = registry.address() + "/test/missing:v1";
    template("missing", missing, "");
    assertPrecondition("missing", "the registry has no image " + missing);

    ImageBuilder.builder(Files.createDirectories(dir.resolve("locked-image")))
        .credentials("ci", "secret-1")
        .pushTo(locked, "test/private:v1");
    template("private", locked.address() + "/test/private:v1", "");
    assertPrecondition(
        "private", "refused to give image " + locked.address() + "/test/private:v1 (unauthorized)");

    template("down", down + "/test/any:v1", "");
    assertPrecondition(
        "down", "cannot reach the registry " + down + " to pull image " + down + "/test/any:v1");
  }

  @Test
  void credentialsInADockerAuthFileOpenThePrivateRegistry() throws Exception {
    ImageBuilder.builder(Files.createDirectories(dir.resolve("authorized")))
        .credentials("ci", "secret-1")
        .file("/private.txt", "for ci only\n")
        .pushTo(locked, "test/authorized:v1");
    String auth =
        Base64.getEncoder().encodeToString("ci:secret-1".getBytes(StandardCharsets.UTF_8));
    Path authFile =
        Files.writeString(
            dir.resolve("auth.json"),
            "{\"auths\": {\"" + locked.address() + "\": {\"auth\": \"" + auth + "\"}}}");
    ImageStore store =
        new ImageStore(
            dir.resolve("authorized-store"),
            new PullRules(
                Set.of(), Set.of(locked.address()), Optional.of(authFile), MAX_IMAGE_BYTES));

    LocalImage image =
        store.pull(ImageReference.parse(locked.address() + "/test/authorized:v1"), line -> {});

    assertThat(image.rootfs().resolve("private.txt")).hasContent("for ci only");
  }

  @Test
  void imagesThatCannotRunAreRefusedWithTheReason() throws Exception {
    ImageBuilder.builder(Files.createDirectories(dir.resolve("musl")))
        .withoutGlibc()
        .file("/hello", "hi\n")
        .pushTo(registry, "test/noglibc:v1");
    template("noglibc", registry.address() + "/test/noglibc:v1", "");
    assertPrecondition("noglibc", "has no glibc");

    ImageBuilder.builder(Files.createDirectories(dir.resolve("root")))
        .user("0")
        .pushTo(registry, "test/root:v1");
    template("asroot", registry.address() + "/test/root:v1", "");
    assertPrecondition("asroot", "runs as root (User 0)");
  }

  @Test
  void aRegistryNamedByAddressIsRefusedUnlessTheOperatorAllowsIt() throws Exception {
    template("metadata", "169.254.169.254/latest/meta-data:v1", "");
    assertPrecondition("metadata", "names its registry by address (169.254.169.254)");
  }

  @Test
  void aPullThatWritesMoreThanAnImageMayIsStoppedAndLeavesNothing() throws Exception {
    ImageBuilder.builder(Files.createDirectories(dir.resolve("big")))
        .extraBytes(MAX_IMAGE_BYTES + (16L << 20))
        .pushTo(registry, "test/big:v1");
    template("big", registry.address() + "/test/big:v1", "");
    assertPrecondition("big", "was stopped: it is larger than the 48 MiB an image may take here");
    try (Stream<Path> roots = Files.list(cache.resolve("images/roots"))) {
      assertThat(roots.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
    }
  }

  @Test
  void imageLoadImportsADockerSaveArchiveForAMachineWithoutARegistry() throws Exception {
    Path archive = dir.resolve("offline.tar");
    ImageBuilder.builder(Files.createDirectories(dir.resolve("offline")))
        .file("/offline.txt", "loaded\n")
        .saveDockerArchive(archive, "example.org/team/offline:1");
    int exit =
        new CommandLine(new Main())
            .execute("image", "load", archive.toString(), "--cache-dir", cache.toString());
    assertThat(exit).isZero();
    template("offline", "example.org/team/offline:1", "Never");
    Channel ops = api.as(OPS);

    Sandbox sandbox = Api.create(ops, "offline");

    assertThat(stdout(run(ops, sandbox, "cat", "/offline.txt"))).isEqualTo("loaded\n");

    Path oci = dir.resolve("offline-oci.tar");
    ImageBuilder.builder(Files.createDirectories(dir.resolve("offline-oci")))
        .file("/offline.txt", "loaded from an OCI archive\n")
        .saveOciArchive(oci, "example.org/team/offline-oci:1");
    assertThat(
            new CommandLine(new Main())
                .execute("image", "load", oci.toString(), "--cache-dir", cache.toString()))
        .isZero();
    template("offline-oci", "example.org/team/offline-oci:1", "Never");
    assertThat(stdout(run(ops, Api.create(ops, "offline-oci"), "cat", "/offline.txt")))
        .isEqualTo("loaded from an OCI archive\n");
    template("never-loaded", "example.org/team/absent:1", "Never");
    assertPrecondition(
        "never-loaded", "is not in the image store and its imagePullPolicy is Never");
  }

  private static void template(String name, String image, String pullPolicy) throws IOException {
    Path file = Files.createTempFile(dir, "template", ".yaml");
    Files.writeString(file, ImageTemplates.of(name, image, pullPolicy));
    ServerCli.run(server.port(), OPS, 0, "apply", "-f", file.toString());
  }

  private static void assertPrecondition(String template, String message) {
    assertThatThrownBy(() -> Api.create(api.as(OPS), template))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(e.getStatus().getDescription()).contains(message);
            });
  }

  private static RunResult run(Channel as, Sandbox sandbox, String... argv) {
    return Api.run(as, sandbox.getId(), argv);
  }

  private static String stdout(RunResult result) {
    assertThat(result.getExitCode()).as(result.getStderr().toStringUtf8()).isZero();
    return result.getStdout().toStringUtf8();
  }

  private static String readyMessage(String sandbox) {
    JsonObject status =
        new JsonObject(
                ServerCli.run(server.port(), OPS, 0, "get", "sandbox", sandbox, "-o", "json")[0])
            .getJsonObject("status");
    return status.getJsonArray("conditions").stream()
        .map(JsonObject.class::cast)
        .filter(c -> c.getString("type").equals("Ready"))
        .findFirst()
        .orElseThrow()
        .getString("message");
  }
}
