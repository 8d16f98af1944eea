package dev.bastion.controller.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.controller.desired.Owners;
import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.Conditions;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.model.SandboxConditions;
import dev.bastion.controller.reconcile.PodObservation.PodState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ClaimReconcilerTest {

  private final World world = new World();

  @Test
  void adoptsAReadyMemberAndThePoolReplenishes() {
    world.apply(World.template("py")).apply(World.pool("py", "py", 2, "OnReplenish"));
    world.settle();
    world.apply(World.claim("c1", "py", "additionalPodMetadata: {labels: {owner: agent-42}}"));
    world.settle();

    SandboxClaim claim = claim("c1");
    assertThat(Conditions.isTrue(claim.getStatus().getConditions(), "Ready")).isTrue();
    Sandbox served = sandbox(claim.getStatus().getSandbox().getName());
    assertThat(served.getMetadata().getName()).startsWith("py-");
    assertThat(served.getMetadata().getAnnotations())
        .containsEntry(AgentLabels.LAUNCH_TYPE, "warm");
    assertThat(served.getMetadata().getLabels())
        .containsEntry("owner", "agent-42")
        .containsEntry(AgentLabels.TENANT, "alice")
        .doesNotContainKey(AgentLabels.WARM_POOL);
    assertThat(Owners.isControlledBy(served, claim)).isTrue();
    world.clock.advance(WarmPoolReconciler.CLAIMS_QUIET);
    world.settle();
    assertThat(world.members("py")).as("the pool replenished once claims paused").hasSize(2);
    assertThat(world.round()).isZero();
  }

  @Test
  void fiftyConcurrentClaimsOnAPoolOfTenGetTenWarmFortyColdAndNoSharedSandbox() throws Exception {
    world.apply(World.template("py")).apply(World.pool("py", "py", 10, "OnReplenish"));
    world.settle();
    for (int i = 0; i < 50; i++) {
      world.apply(World.claim("c" + i, "py", ""));
    }
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<Requeue>> passes = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        String name = "c" + i;
        passes.add(threads.submit(() -> world.claims.reconcile(World.NS, name)));
      }
      for (Future<Requeue> pass : passes) {
        pass.get();
      }
    } finally {
      threads.shutdown();
    }

    int warm = 0;
    int cold = 0;
    Set<String> served = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      SandboxClaim claim = claim("c" + i);
      List<Sandbox> owned =
          world.sandboxes().stream().filter(s -> Owners.isControlledBy(s, claim)).toList();
      assertThat(owned).as("claim c%d controls exactly one sandbox", i).hasSize(1);
      Sandbox sandbox = owned.get(0);
      assertThat(served.add(sandbox.getMetadata().getName()))
          .as("no sandbox serves two claims")
          .isTrue();
      if ("warm".equals(sandbox.getMetadata().getAnnotations().get(AgentLabels.LAUNCH_TYPE))) {
        warm++;
      } else {
        cold++;
        assertThat(sandbox.getMetadata().getName()).isEqualTo("c" + i);
      }
    }
    assertThat(warm).isEqualTo(10);
    assertThat(cold).isEqualTo(40);

    world.settle();
    assertThat(world.members("py")).as("the pool refilled").hasSize(10);
    assertThat(world.sandboxes()).hasSize(60);
  }

  @Test
  void envForcesAColdStartWithTheEnvInjected() {
    world.apply(World.template("py")).apply(World.pool("py", "py", 1, "OnReplenish"));
    world.settle();
    world.apply(World.claim("c1", "py", "env: [{name: TASK_ID, value: \"42\"}]"));
    world.settle();
    Sandbox served = sandbox("c1");
    assertThat(served.getMetadata().getAnnotations())
        .containsEntry(AgentLabels.LAUNCH_TYPE, "cold");
    assertThat(served.getSpec().getPodTemplate().getSpec().getContainers().get(0).getEnv())
        .extracting(v -> v.getName() + "=" + v.getValue())
        .containsExactly("BASE=1", "TASK_ID=42");
    assertThat(world.members("py")).as("the pool was not touched").hasSize(1);
  }

  @Test
  void anEmptyPoolFallsBackToACold() {
    world.apply(World.template("py")).apply(World.pool("py", "py", 0, "OnReplenish"));
    world.settle();
    world.apply(World.claim("c1", "py", ""));
    world.settle();
    assertThat(claim("c1").getStatus().getSandbox().getName()).isEqualTo("c1");
    assertThat(SandboxConditions.isReady(sandbox("c1"))).isTrue();
  }

  @Test
  void missingPoolOrTemplateIsAReadyReason() {
    world.apply(World.claim("c1", "nope", ""));
    world.settle();
    assertThat(readyReason("c1")).isEqualTo("WarmPoolNotFound");
    world.apply(World.pool("nope", "missing", 1, "OnReplenish"));
    world.settle();
    assertThat(readyReason("c1")).isEqualTo("TemplateNotFound");
  }

  @Test
  void shutdownTimeWithDeleteRemovesTheClaimAndItsSandbox() {
    world.apply(World.template("py")).apply(World.pool("py", "py", 1, "OnReplenish"));
    world.settle();
    world.apply(
        World.claim(
            "c1",
            "py",
            "lifecycle: {shutdownTime: \"2026-01-01T01:00:00Z\", shutdownPolicy: Delete}"));
    world.settle();
    String served = claim("c1").getStatus().getSandbox().getName();
    world.clock.advance(Duration.ofHours(2));
    world.settle();
    assertThat(world.store.get(SandboxClaim.class, World.NS, "c1")).isEmpty();
    assertThat(world.store.get(Sandbox.class, World.NS, served)).isEmpty();
    assertThat(world.pods.removed).contains(served);
  }

  @Test
  void retainKeepsTheClaimAsExpiredAndDeleteForegroundRemovesTheSandboxFirst() {
    world.apply(World.template("py")).apply(World.pool("py", "py", 0, "OnReplenish"));
    world.apply(
        World.claim(
            "kept",
            "py",
            "lifecycle: {shutdownTime: \"2026-01-01T01:00:00Z\", shutdownPolicy: Retain}"));
    world.apply(
        World.claim(
            "fg",
            "py",
            "lifecycle: {shutdownTime: \"2026-01-01T01:00:00Z\", shutdownPolicy: DeleteForeground}"));
    world.settle();
    world.clock.advance(Duration.ofHours(2));
    world.settle();
    assertThat(readyReason("kept")).isEqualTo("ClaimExpired");
    assertThat(world.store.get(Sandbox.class, World.NS, "kept")).isEmpty();
    assertThat(world.store.get(SandboxClaim.class, World.NS, "fg")).isEmpty();
    assertThat(world.store.get(Sandbox.class, World.NS, "fg")).isEmpty();
  }

  @Test
  void ttlAfterFinishedCountsFromTheSandboxFinishing() {
    world.apply(World.template("py")).apply(World.pool("py", "py", 0, "OnReplenish"));
    world.apply(
        World.claim(
            "c1", "py", "lifecycle: {ttlSecondsAfterFinished: 600, shutdownPolicy: Delete}"));
    world.settle();
    world.clock.advance(Duration.ofHours(5));
    world.settle();
    assertThat(world.store.get(SandboxClaim.class, World.NS, "c1"))
        .as("not finished: no expiry")
        .isPresent();

    world.pods.pods.put("c1", PodState.FAILED);
    world.settle();
    assertThat(claim("c1").getStatus().getConditions())
        .anyMatch(c -> c.getType().equals("Finished") && c.getStatus().equals("True"));
    world.clock.advance(Duration.ofSeconds(599));
    world.settle();
    assertThat(world.store.get(SandboxClaim.class, World.NS, "c1")).isPresent();
    world.clock.advance(Duration.ofSeconds(2));
    world.settle();
    assertThat(world.store.get(SandboxClaim.class, World.NS, "c1")).isEmpty();
  }

  private String readyReason(String claim) {
    return Conditions.find(claim(claim).getStatus().getConditions(), "Ready")
        .orElseThrow()
        .getReason();
  }

  private SandboxClaim claim(String name) {
    return world.store.get(SandboxClaim.class, World.NS, name).orElseThrow();
  }

  private Sandbox sandbox(String name) {
    return world.store.get(Sandbox.class, World.NS, name).orElseThrow();
  }
}
