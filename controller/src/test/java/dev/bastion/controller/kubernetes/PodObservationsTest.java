package dev.bastion.controller.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.controller.reconcile.PodObservation;
import dev.bastion.controller.reconcile.PodObservation.PodState;
import dev.bastion.controller.reconcile.PodObservation.Scheduling;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodObservationsTest {

  @Test
  void noPodIsAbsent() {
    assertThat(PodObservations.of(null)).isEqualTo(PodObservation.absent());
  }

  @Test
  void aRunningReadyPodWithAnAddressIsReady() {
    Pod pod =
        pod(
            new PodStatusBuilder()
                .withPhase("Running")
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .withPodIP("10.1.2.3")
                .addNewPodIP("10.1.2.3")
                .addNewPodIP("fd00::3"));

    assertThat(PodObservations.of(pod))
        .isEqualTo(
            new PodObservation(
                PodState.READY,
                "",
                List.of("10.1.2.3", "fd00::3"),
                "node-a",
                Scheduling.SCHEDULED));
  }

  @Test
  void withoutPodIPsTheSingleAddressIsUsed() {
    Pod pod = pod(running(true).withPodIP("10.1.2.3"));

    assertThat(PodObservations.of(pod).podIPs()).containsExactly("10.1.2.3");
  }

  @Test
  void aRunningPodIsStillStartingWhileNotReadyOrWithoutAddress() {
    assertThat(PodObservations.of(pod(running(false).withPodIP("10.1.2.3"))).state())
        .isEqualTo(PodState.STARTING);
    PodObservation noAddress = PodObservations.of(pod(running(true)));
    assertThat(noAddress.state()).isEqualTo(PodState.STARTING);
    assertThat(noAddress.message()).isEmpty();
    assertThat(noAddress.podIPs()).isEmpty();
  }

  @Test
  void aTerminatingPodIsNotReadyEvenIfItsStatusSaysSo() {
    Pod pod = pod(running(true).withPodIP("10.1.2.3"));
    pod.getMetadata().setDeletionTimestamp("2025-01-01T00:00:00Z");

    PodObservation observation = PodObservations.of(pod);

    assertThat(observation.state()).isEqualTo(PodState.STARTING);
    assertThat(observation.message()).isEqualTo("the pod is terminating");
  }

  @Test
  void aSucceededPodHasSucceeded() {
    assertThat(PodObservations.of(pod(new PodStatusBuilder().withPhase("Succeeded"))).state())
        .isEqualTo(PodState.SUCCEEDED);
  }

  @Test
  void aFailedPodSaysWhyFromItsOwnReason() {
    Pod evicted =
        pod(
            new PodStatusBuilder()
                .withPhase("Failed")
                .withReason("Evicted")
                .withMessage("The node was low on resource: memory."));

    PodObservation observation = PodObservations.of(evicted);

    assertThat(observation.state()).isEqualTo(PodState.FAILED);
    assertThat(observation.message()).isEqualTo("Evicted: The node was low on resource: memory.");
  }

  @Test
  void aFailedPodSaysWhyFromTheFirstContainerThatFailed() {
    Pod oomKilled =
        pod(
            new PodStatusBuilder()
                .withPhase("Failed")
                .withContainerStatuses(
                    terminated("sidecar", "Completed", 0), terminated("main", "OOMKilled", 137)));

    assertThat(PodObservations.of(oomKilled).message()).isEqualTo("OOMKilled (exit code 137)");
  }

  @Test
  void aWaitingContainerSaysWhyThePodIsStarting() {
    Pod pod =
        pod(
            new PodStatusBuilder()
                .withPhase("Pending")
                .withContainerStatuses(
                    new ContainerStatusBuilder()
                        .withName("main")
                        .withNewState()
                        .withNewWaiting()
                        .withReason("ImagePullBackOff")
                        .withMessage("Back-off pulling image \"bastion/python\"")
                        .endWaiting()
                        .endState()
                        .build()));

    PodObservation observation = PodObservations.of(pod);

    assertThat(observation.state()).isEqualTo(PodState.STARTING);
    assertThat(observation.message())
        .isEqualTo("ImagePullBackOff: Back-off pulling image \"bastion/python\"");
  }

  @Test
  void anUnschedulablePodSaysWhyAndIsNotScheduled() {
    Pod pod =
        pod(
            new PodStatusBuilder()
                .withPhase("Pending")
                .addNewCondition()
                .withType("PodScheduled")
                .withStatus("False")
                .withReason("Unschedulable")
                .withMessage("0/3 nodes are available: 3 Insufficient memory.")
                .endCondition());

    assertThat(PodObservations.of(pod).message())
        .isEqualTo("Unschedulable: 0/3 nodes are available: 3 Insufficient memory.");
    assertThat(PodObservations.isPodScheduled(pod)).isFalse();
    assertThat(PodObservations.scheduling(pod)).isEqualTo(Scheduling.UNSCHEDULABLE);
    assertThat(PodObservations.isPodScheduled(pod(scheduled()))).isTrue();
  }

  @Test
  void aPodJustCreatedIsStartingWithNothingToSay() {
    Pod pod = new PodBuilder().withNewMetadata().withName("s1").endMetadata().build();

    assertThat(PodObservations.of(pod))
        .isEqualTo(
            new PodObservation(PodState.STARTING, "", List.of(), null, Scheduling.UNDECIDED));
    assertThat(PodObservations.isPodScheduled(pod)).isFalse();
  }

  private static Pod pod(PodStatusBuilder status) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("s1")
        .endMetadata()
        .withNewSpec()
        .withNodeName("node-a")
        .endSpec()
        .withStatus(status.build())
        .build();
  }

  private static PodStatusBuilder running(boolean ready) {
    return new PodStatusBuilder()
        .withPhase("Running")
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready ? "True" : "False")
        .endCondition();
  }

  private static PodStatusBuilder scheduled() {
    return new PodStatusBuilder()
        .withPhase("Pending")
        .addNewCondition()
        .withType("PodScheduled")
        .withStatus("True")
        .endCondition();
  }

  private static ContainerStatus terminated(String name, String reason, int exitCode) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withNewState()
        .withNewTerminated()
        .withReason(reason)
        .withExitCode(exitCode)
        .endTerminated()
        .endState()
        .build();
  }
}
