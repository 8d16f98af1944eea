package dev.bastion.controller.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.controller.model.Conditions;
import dev.bastion.controller.model.OperatingMode;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxConditions;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SandboxReconcilerTest {

  private static final String SANDBOX =
      """
      apiVersion: agents.x-k8s.io/v1beta1
      kind: Sandbox
      metadata: {name: sb}
      spec:
        shutdownTime: "2026-01-01T01:00:00Z"
        shutdownPolicy: %s
        podTemplate:
          spec:
            containers: [{name: main, image: bastion/python}]
      """;

  private final World world = new World();

  @Test
  void startsAPodAndReportsReadyOnceItIs() {
    world.pods.readyAtOnce = false;
    world.apply(SANDBOX.formatted("Retain"));
    world.settle();
    assertThat(condition("Ready").getReason()).isEqualTo("DependenciesNotReady");
    assertThat(condition("Suspended").getReason()).isEqualTo("NotSuspended");

    world.pods.pods.put("sb", PodObservation.PodState.READY);
    world.settle();
    assertThat(condition("Ready").getStatus()).isEqualTo("True");
    assertThat(condition("Ready").getReason()).isEqualTo("DependenciesReady");
    assertThat(sandbox().getStatus().getSelector())
        .isEqualTo(
            "agents.x-k8s.io/sandbox-name-hash="
                + dev.bastion.controller.model.AgentLabels.nameHash("sb"));
    assertThat(world.round()).isZero();
  }

  @Test
  void aStartWaitingForItsImageIsPendingWithTheStepAndRetriedSoon() {
    world.pods.startFailure =
        PodStartException.pending(SandboxConditions.IMAGE_PULLING, "pulling r/app:1: layer 2");
    world.apply(SANDBOX.formatted("Retain"));
    world.settle();
    assertThat(condition("Ready").getReason()).isEqualTo("ImagePulling");
    assertThat(condition("Ready").getMessage()).isEqualTo("pulling r/app:1: layer 2");
    assertThat(SandboxConditions.hasFailed(sandbox())).isFalse();
    assertThat(world.pods.startFailure.retryAfter()).isLessThan(SandboxReconciler.START_RETRY);

    world.pods.startFailure = null;
    world.settle();
    assertThat(condition("Ready").getStatus()).isEqualTo("True");
  }

  @Test
  void anImageThatCannotBePulledFailsTheSandboxWithTheReason() {
    world.pods.startFailure =
        PodStartException.failed(
            SandboxConditions.IMAGE_PULL_FAILED, "the registry has no image r/app:1");
    world.apply(SANDBOX.formatted("Retain"));
    world.settle();
    assertThat(condition("Ready").getReason()).isEqualTo("ImagePullFailed");
    assertThat(condition("Ready").getMessage()).isEqualTo("the registry has no image r/app:1");
    assertThat(SandboxConditions.hasFailed(sandbox())).isTrue();
  }

  @Test
  void suspendStopsThePodAndResumeStartsAFreshOne() {
    world.apply(SANDBOX.formatted("Retain"));
    world.settle();
    setMode(OperatingMode.Suspended);
    world.settle();
    assertThat(world.pods.pods).doesNotContainKey("sb");
    assertThat(condition("Suspended").getReason()).isEqualTo("PodTerminated");
    assertThat(condition("Ready").getReason()).isEqualTo("SandboxSuspended");
    assertThat(world.pods.removed).as("volumes are kept").doesNotContain("sb");
    assertThat(world.pods.suspendedWithMemory)
        .as("a READY pod is suspended, so that the runtime can keep its memory")
        .containsExactly("sb");

    setMode(OperatingMode.Running);
    world.settle();
    assertThat(SandboxConditions.isReady(sandbox())).isTrue();
    assertThat(world.pods.starts.get()).isEqualTo(2);
  }

  @Test
  void aFailedPodIsReportedAndNotRestarted() {
    world.apply(SANDBOX.formatted("Retain"));
    world.settle();
    world.pods.pods.put("sb", PodObservation.PodState.FAILED);
    world.settle();
    assertThat(condition("Ready").getReason()).isEqualTo("PodFailed");
    assertThat(condition("Finished").getMessage()).isEqualTo("out of memory");
    assertThat(world.pods.starts.get()).isEqualTo(1);
  }

  @Test
  void expiryWithRetainStopsThePodAndKeepsTheSandbox() {
    world.apply(SANDBOX.formatted("Retain"));
    world.settle();
    world.clock.advance(Duration.ofHours(2));
    world.settle();
    assertThat(condition("Ready").getReason()).isEqualTo("SandboxExpired");
    assertThat(world.pods.pods).isEmpty();
  }

  @Test
  void expiryWithDeleteDeletesTheSandboxAndThenItsVolumes() {
    world.apply(SANDBOX.formatted("Delete"));
    world.settle();
    world.clock.advance(Duration.ofHours(2));
    world.settle();
    assertThat(world.store.get(Sandbox.class, World.NS, "sb")).isEmpty();
    assertThat(world.pods.removed).containsExactly("sb");
  }

  @Test
  void transitionTimesOnlyMoveWhenAStatusChanges() {
    world.pods.readyAtOnce = false;
    world.apply(SANDBOX.formatted("Retain"));
    world.settle();
    String suspendedSince = condition("Suspended").getLastTransitionTime();
    world.clock.advance(Duration.ofSeconds(5));
    world.pods.pods.put("sb", PodObservation.PodState.READY);
    world.settle();
    assertThat(condition("Suspended").getLastTransitionTime()).isEqualTo(suspendedSince);
    assertThat(condition("Ready").getLastTransitionTime()).isNotEqualTo(suspendedSince);
  }

  private void setMode(OperatingMode mode) {
    Sandbox sandbox = sandbox();
    sandbox.getSpec().setOperatingMode(mode);
    world.store.update(sandbox);
  }

  private Condition condition(String type) {
    return Conditions.find(sandbox().getStatus().getConditions(), type).orElseThrow();
  }

  private Sandbox sandbox() {
    return world.store.get(Sandbox.class, World.NS, "sb").orElseThrow();
  }
}
