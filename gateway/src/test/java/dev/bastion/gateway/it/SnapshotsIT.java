package dev.bastion.gateway.it;

import static dev.bastion.gateway.it.GatewayIT.assertStatus;
import static dev.bastion.gateway.it.GatewayIT.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.api.v1.CreateSandboxRequest;
import dev.bastion.api.v1.DeleteSnapshotRequest;
import dev.bastion.api.v1.ListSnapshotsRequest;
import dev.bastion.api.v1.ResumeSandboxRequest;
import dev.bastion.api.v1.RunResult;
import dev.bastion.api.v1.Sandbox;
import dev.bastion.api.v1.SandboxSnapshot;
import dev.bastion.api.v1.SnapshotRequest;
import dev.bastion.api.v1.SuspendSandboxRequest;
import dev.bastion.gateway.server.BastionServer;
import io.grpc.Channel;
import io.grpc.Status;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory snapshots against real runsc: a snapshot of a running sandbox (which runs on), copies that
 * continue its processes each with their own hostname, token and /workspace, tenancy, and a damaged
 * image that fails cleanly instead of restoring half of it.
 */
class SnapshotsIT {

  static final String ALICE = "alice-snap-token-0123456789";
  static final String BOB = "bob-snap-token-0123456789ab";

  @TempDir static Path dir;
  static BastionServer server;
  static Api api;
  static Channel alice;
  static Channel bob;

  @BeforeAll
  static void start() throws Exception {
    SandboxHost.require();
    Path tokens = dir.resolve("tokens.txt");
    Files.writeString(tokens, ALICE + " alice\n" + BOB + " bob\n");
    server = SandboxHost.start(dir.resolve("state"), tokens, 0);
    api = new Api(server.port());
    alice = api.as(ALICE);
    bob = api.as(BOB);
  }

  @AfterAll
  static void stop() throws Exception {
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
  void fiveCopiesOfARunningSandboxContinueItsProcessesEachWithItsOwnIdentityAndFiles()
      throws Exception {
    String source = Api.create(alice, "python").getId();
    startCounter(source);
    awaitCondition(() -> count(alice, source) >= 3, "the loop counts");
    assertThat(Api.run(alice, source, "sh", "-c", "echo before > /workspace/f").getExitCode())
        .isZero();
    SandboxSnapshot snapshot =
        Api.call(
            alice,
            Api.SNAPSHOT,
            SnapshotRequest.newBuilder().setSandboxId(source).putLabels("kind", "fork").build());
    assertThat(snapshot.getId()).startsWith("snap-");
    assertThat(snapshot.getSandboxId()).isEqualTo(source);
    assertThat(snapshot.getTemplate()).isEqualTo("python");
    assertThat(snapshot.getSizeBytes()).isPositive();
    // The source runs on, and what it does now is not in the copies.
    long sourceAt = count(alice, source);
    awaitCondition(() -> count(alice, source) > sourceAt, "the source counts on");
    assertThat(Api.run(alice, source, "sh", "-c", "echo after > /workspace/f").getExitCode())
        .isZero();

    List<CompletableFuture<Sandbox>> forks = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      forks.add(CompletableFuture.supplyAsync(() -> fork(alice, snapshot.getId())));
    }
    Set<String> hostnames = new HashSet<>();
    for (CompletableFuture<Sandbox> future : forks) {
      Sandbox copy = future.get();
      assertThat(copy.getPhase()).isEqualTo(Sandbox.Phase.READY);
      String id = copy.getId();
      // The counter was running in the snapshot: it runs on in each copy.
      long at = count(alice, id);
      assertThat(at).as("the count the copy started from").isGreaterThanOrEqualTo(3);
      awaitCondition(() -> count(alice, id) > at, "the copy's loop counts on");
      RunResult seen = Api.run(alice, id, "sh", "-c", "cat /workspace/f; hostname");
      assertThat(seen.getStdout().toStringUtf8()).isEqualTo("before\n" + id + "\n");
      assertThat(Api.run(alice, id, "sh", "-c", "echo " + id + " > /workspace/own").getExitCode())
          .isZero();
      hostnames.add(seen.getStdout().toStringUtf8().lines().toList().get(1));
    }
    assertThat(hostnames).hasSize(5);
    // A copy answers its own token only: the source's, in the copy's memory before it served
    // again, is refused.
    String copy = forks.get(0).get().getId();
    Path copySocket = sandboxDir(copy).resolve("run/sandboxd.sock");
    assertThat(healthCheck(copySocket, sandboxDir(source).resolve("run/token")))
        .contains("UNAUTHENTICATED");
    assertThat(healthCheck(copySocket, sandboxDir(copy).resolve("run/token")))
        .contains("sandboxd: healthy");
    // Each copy's workspace is its own.
    for (CompletableFuture<Sandbox> future : forks) {
      String id = future.get().getId();
      assertThat(Api.run(alice, id, "cat", "/workspace/own").getStdout().toStringUtf8())
          .isEqualTo(id + "\n");
    }
    assertThat(Api.run(alice, source, "cat", "/workspace/f").getStdout().toStringUtf8())
        .isEqualTo("after\n");
  }

  @Test
  void snapshotsAreTheirTenantsOwn() {
    String source = Api.create(alice, "python").getId();
    SandboxSnapshot snapshot =
        Api.call(alice, Api.SNAPSHOT, SnapshotRequest.newBuilder().setSandboxId(source).build());
    // Bob can neither see, use nor delete it, and cannot snapshot Alice's sandbox.
    assertThat(
            Api.call(bob, Api.LIST_SNAPSHOTS, ListSnapshotsRequest.getDefaultInstance())
                .getSnapshotsList())
        .extracting(SandboxSnapshot::getId)
        .doesNotContain(snapshot.getId());
    assertStatus(() -> fork(bob, snapshot.getId()), Status.Code.NOT_FOUND, "not found");
    assertStatus(
        () ->
            Api.call(
                bob,
                Api.DELETE_SNAPSHOT,
                DeleteSnapshotRequest.newBuilder().setSnapshotId(snapshot.getId()).build()),
        Status.Code.NOT_FOUND,
        "not found");
    assertStatus(
        () ->
            Api.call(bob, Api.SNAPSHOT, SnapshotRequest.newBuilder().setSandboxId(source).build()),
        Status.Code.NOT_FOUND,
        "not found");
    // A path where an id belongs names nothing.
    assertStatus(() -> fork(alice, "../sandboxes/" + source), Status.Code.NOT_FOUND, "not found");
    assertStatus(
        () ->
            Api.call(
                alice,
                Api.CREATE,
                CreateSandboxRequest.newBuilder()
                    .setSnapshot(snapshot.getId())
                    .putEnv("A", "b")
                    .build()),
        Status.Code.INVALID_ARGUMENT,
        "env cannot be set");
    assertThat(
            Api.call(alice, Api.LIST_SNAPSHOTS, ListSnapshotsRequest.getDefaultInstance())
                .getSnapshotsList())
        .extracting(SandboxSnapshot::getId)
        .contains(snapshot.getId());
    Api.call(
        alice,
        Api.DELETE_SNAPSHOT,
        DeleteSnapshotRequest.newBuilder().setSnapshotId(snapshot.getId()).build());
    assertStatus(() -> fork(alice, snapshot.getId()), Status.Code.NOT_FOUND, "not found");
  }

  @Test
  void aDamagedSuspendImageFailsTheSandboxWithTheReasonInsteadOfRestoringPartOfIt()
      throws IOException {
    String id = Api.create(alice, "python").getId();
    Api.call(alice, Api.SUSPEND, SuspendSandboxRequest.newBuilder().setSandboxId(id).build());
    Path image = onlyImageFile(sandboxDir(id));
    try (FileChannel file = FileChannel.open(image, StandardOpenOption.WRITE)) {
      file.truncate(file.size() / 2);
    }
    assertStatus(
        () ->
            Api.call(alice, Api.RESUME, ResumeSandboxRequest.newBuilder().setSandboxId(id).build()),
        Status.Code.UNAVAILABLE,
        "could not resume with its memory: the saved image does not hold the files that were"
            + " saved");
    Sandbox failed =
        Api.call(
            alice,
            Api.GET,
            dev.bastion.api.v1.GetSandboxRequest.newBuilder().setSandboxId(id).build());
    assertThat(failed.getPhase()).isEqualTo(Sandbox.Phase.FAILED);
    assertThat(failed.getMessage()).contains("could not resume with its memory");
  }

  @Test
  void aSuspendedSandboxWhoseImageIsGoneFailsInsteadOfBootingWithoutItsProcesses()
      throws IOException {
    String id = Api.create(alice, "python").getId();
    Api.call(alice, Api.SUSPEND, SuspendSandboxRequest.newBuilder().setSandboxId(id).build());
    dev.bastion.controller.runtime.FileTrees.delete(sandboxDir(id).resolve("memory"));
    assertStatus(
        () ->
            Api.call(alice, Api.RESUME, ResumeSandboxRequest.newBuilder().setSandboxId(id).build()),
        Status.Code.UNAVAILABLE,
        "could not resume with its memory: the saved image is missing");
  }

  private static Path sandboxDir(String id) {
    return dir.resolve("state/sandboxes").resolve(SandboxHost.hostKey("alice", id));
  }

  /**
   * What sandboxd's own probe says of the socket with the token in {@code tokenFile}. The probe
   * gives up after 3 s, which a loaded machine (six sandboxes and the probe's own JVM on two cores)
   * can take just to start it: a probe that got no answer is asked again, a few times.
   */
  private static String healthCheck(Path socket, Path tokenFile) {
    String said = "";
    for (int attempt = 0; attempt < 5; attempt++) {
      said = probe(socket, tokenFile);
      if (!said.contains("no answer from sandboxd")) {
        return said;
      }
    }
    return said;
  }

  private static String probe(Path socket, Path tokenFile) {
    return dev.bastion.controller.runtime.HostCommand.run(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                SandboxHost.sandboxdJar().toAbsolutePath().toString(),
                "--health-check",
                "--socket",
                socket.toString(),
                "--token-file",
                tokenFile.toString()),
            java.time.Duration.ofSeconds(60))
        .output();
  }

  private static Path onlyImageFile(Path sandboxDir) throws IOException {
    try (Stream<Path> files = Files.list(sandboxDir.resolve("memory"))) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".img"))
          .findFirst()
          .orElseThrow();
    }
  }

  private static Sandbox fork(Channel as, String snapshot) {
    return Api.call(
        as, Api.CREATE, CreateSandboxRequest.newBuilder().setSnapshot(snapshot).build());
  }

  private static void startCounter(String id) {
    assertThat(
            Api.run(
                    alice,
                    id,
                    "sh",
                    "-c",
                    "nohup sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/count;"
                        + " sleep 0.1; done' >/dev/null 2>&1 &")
                .getExitCode())
        .isZero();
  }

  static long count(Channel as, String id) {
    String out =
        Api.run(as, id, "sh", "-c", "cat /tmp/count 2>/dev/null || echo 0")
            .getStdout()
            .toStringUtf8()
            .strip();
    return out.isEmpty() ? 0 : Long.parseLong(out);
  }
}
