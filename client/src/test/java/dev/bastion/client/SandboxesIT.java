package dev.bastion.client;

import static dev.bastion.client.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.client.BastionException.Code;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Sandboxes through the SDK against a real server: made, found, suspended, resumed, deleted. */
@ExtendWith(EmbeddedBastion.class)
class SandboxesIT {

  static EmbeddedBastion.Server server;
  static Bastion alice;
  static Bastion bob;

  @BeforeAll
  static void connect(EmbeddedBastion.Server running) {
    server = running;
    alice = Bastion.connect(server.url(), EmbeddedBastion.ALICE);
    bob = Bastion.connect(server.url(), EmbeddedBastion.BOB);
  }

  @AfterAll
  static void close() {
    EmbeddedBastion.closeAll(alice, bob);
  }

  @Test
  void aWarmPoolServesAReadySandboxWhichClosingDeletes() throws Exception {
    server.awaitWarmPool();
    String id;
    try (Sandbox sandbox =
        alice.sandboxes().create(SandboxSpec.warmPool("python").label("suite", "warm"))) {
      id = sandbox.id();
      SandboxInfo info = sandbox.info();
      assertThat(info.launchType()).isEqualTo("warm");
      assertThat(info.phase()).isEqualTo(SandboxInfo.Phase.READY);
      assertThat(info.warmPool()).isEqualTo("python");
      assertThat(info.template()).isEqualTo("python");
      assertThat(info.labels()).containsEntry("suite", "warm");
      assertThat(info.runtime()).isEqualTo("gvisor");
      assertThat(info.createdAt()).isBefore(Instant.now());
      assertThat(sandbox.run("python3", "-c", "print(6*7)").stdout()).isEqualTo("42\n");
      assertThat(alice.sandboxes().list("suite=warm")).extracting(Sandbox::id).containsExactly(id);
      assertThat(alice.sandboxes().get(id).info().phase()).isEqualTo(SandboxInfo.Phase.READY);
    }
    assertRefused(() -> alice.sandboxes().get(id), Code.NOT_FOUND, "sandbox " + id + " not found");
    assertThat(alice.sandboxes().list("suite=warm")).isEmpty();
  }

  @Test
  void aTemplateStartsAColdSandboxWithItsEnvironmentAndLifetime() {
    try (Sandbox sandbox =
        alice
            .sandboxes()
            .createAsync(
                SandboxSpec.template("python").env("TASK", "t-42").timeout(Duration.ofHours(1)))
            .toCompletableFuture()
            .join()) {
      assertThat(sandbox.info().launchType()).isEqualTo("cold");
      assertThat(sandbox.info().shutdownTime())
          .isBetween(Instant.now().plus(Duration.ofMinutes(55)), Instant.now().plusSeconds(3600));
      assertThat(sandbox.run("sh", "-c", "echo $TASK").stdout()).isEqualTo("t-42\n");
    }
  }

  @Test
  void aSuspendedSandboxRefusesCallsAndResumesWithItsWorkspace() {
    try (Sandbox sandbox = alice.sandboxes().create(SandboxSpec.warmPool("python"))) {
      sandbox.files().write("kept.txt", "kept\n");
      assertThat(sandbox.suspend().phase()).isEqualTo(SandboxInfo.Phase.SUSPENDED);
      assertThat(sandbox.info().phase()).isEqualTo(SandboxInfo.Phase.SUSPENDED);
      assertRefused(() -> sandbox.run("true"), Code.FAILED_PRECONDITION, "is suspended");
      assertThat(sandbox.resume().phase()).isEqualTo(SandboxInfo.Phase.READY);
      assertThat(sandbox.files().readString("kept.txt")).isEqualTo("kept\n");
      assertThat(sandbox.run("cat", "/workspace/kept.txt").stdout()).isEqualTo("kept\n");
      assertThat(sandbox.refresh().phase()).isEqualTo(SandboxInfo.Phase.READY);
    }
  }

  @Test
  void deleteRemovesTheSandboxAndCloseAfterItIsFine() {
    Sandbox sandbox = alice.sandboxes().create(SandboxSpec.warmPool("python"));
    sandbox.deleteAsync().toCompletableFuture().join();
    assertRefused(() -> sandbox.run("true"), Code.NOT_FOUND, sandbox.id());
    assertRefused(sandbox::delete, Code.NOT_FOUND, sandbox.id());
    sandbox.close();
  }

  @Test
  void anUnknownSandboxIsNotFound() {
    assertRefused(
        () -> alice.sandboxes().get("sbx-000000000000"),
        Code.NOT_FOUND,
        "sandbox sbx-000000000000 not found");
  }

  @Test
  void anotherTenantsSandboxDoesNotExistForYou() {
    try (Sandbox mine = alice.sandboxes().create(SandboxSpec.warmPool("python"))) {
      assertRefused(() -> bob.sandboxes().get(mine.id()), Code.NOT_FOUND, mine.id());
      assertThat(bob.sandboxes().list()).extracting(Sandbox::id).doesNotContain(mine.id());
      assertThat(mine.run("true").exitCode()).as("still alice's").isZero();
    }
  }

  @Test
  void anUnknownWarmPoolIsAnInvalidArgument() {
    assertRefused(
        () -> alice.sandboxes().create(SandboxSpec.warmPool("nope")),
        Code.INVALID_ARGUMENT,
        "unknown warm pool 'nope'");
  }

  @Test
  void aPolicyDenialNamesItsRule() throws Exception {
    server.resources(
        EmbeddedBastion.ALICE,
        "POST",
        "/v1/apply",
        """
        apiVersion: bastion.dev/v1alpha1
        kind: ToolPolicy
        metadata: {name: sdk-bob}
        spec:
          tenants: [bob]
          rules:
          - name: no-network-tools
            when: call.argv.exists(a, a.matches("(^|[/ ;|&])(curl|wget)( |$)"))
            action: Deny
            message: network tools are not allowed
        """);
    try (Sandbox sandbox = bob.sandboxes().create(SandboxSpec.warmPool("python"))) {
      BastionException denied =
          assertRefused(
              () -> sandbox.run("curl", "http://example.com"),
              Code.PERMISSION_DENIED,
              "no-network-tools");
      assertThat(denied.description()).contains("network tools are not allowed");
      assertThat(sandbox.run("true").exitCode()).as("other calls pass").isZero();
    } finally {
      server.resources(EmbeddedBastion.ALICE, "DELETE", "/v1/resources/toolpolicy/sdk-bob", null);
    }
  }

  @Test
  void anUnknownTokenIsUnauthenticated() {
    try (Bastion stranger = Bastion.connect(server.url(), "not-a-known-token-0123456789")) {
      assertRefused(() -> stranger.sandboxes().list(), Code.UNAUTHENTICATED, "");
    }
  }

  @Test
  void aServerThatDoesNotAnswerIsUnavailable() throws Exception {
    int closedPort;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      closedPort = probe.getLocalPort();
    }
    try (Bastion nowhere =
        Bastion.connect("http://127.0.0.1:" + closedPort, EmbeddedBastion.ALICE)) {
      assertRefused(
          () -> nowhere.sandboxes().list(), Code.UNAVAILABLE, "cannot reach Bastion at http://");
    }
  }
}
