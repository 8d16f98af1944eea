package dev.bastion.controller.reconcile;

import static dev.bastion.controller.model.SandboxConditions.*;

import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.Conditions;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxStatus;
import dev.bastion.controller.reconcile.PodObservation.PodState;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * Computes a Sandbox's status from what was observed, with the upstream condition types and
 * reasons. Pure: the same inputs always give the same status (transition times are left to {@link
 * Conditions#merge}).
 */
public final class SandboxStatusBuilder {

  private SandboxStatusBuilder() {}

  /**
   * @param wantsPod whether the sandbox should have a pod (Running and not expired)
   * @param expired whether its shutdownTime has passed
   * @param startError why its pod could not be started, or null
   */
  public static SandboxStatus build(
      Sandbox sandbox,
      PodObservation pod,
      boolean wantsPod,
      boolean expired,
      PodStartException startError) {
    Long generation = sandbox.getMetadata().getGeneration();
    List<Condition> conditions = new ArrayList<>();
    conditions.add(ready(pod, wantsPod, expired, startError, generation));
    conditions.add(suspended(sandbox, pod, wantsPod, expired, generation));
    if (pod.state() != PodState.ABSENT) {
      switch (pod.scheduling()) {
        case SCHEDULED ->
            conditions.add(Conditions.of(POD_SCHEDULED, true, "Scheduled", "", generation));
        case UNSCHEDULABLE ->
            conditions.add(
                Conditions.of(POD_SCHEDULED, false, UNSCHEDULABLE, pod.message(), generation));
        case UNDECIDED -> {} // mirrored: the pod has no such condition yet
      }
    }
    if (pod.state() == PodState.FAILED || pod.state() == PodState.SUCCEEDED) {
      boolean failed = pod.state() == PodState.FAILED;
      conditions.add(
          Conditions.of(
              FINISHED, true, failed ? "PodFailed" : "PodSucceeded", pod.message(), generation));
    }
    SandboxStatus status = new SandboxStatus();
    status.setConditions(conditions);
    status.setSelector(
        AgentLabels.SANDBOX_NAME_HASH
            + "="
            + AgentLabels.nameHash(sandbox.getMetadata().getName()));
    status.setPodIPs(pod.state() == PodState.ABSENT ? null : nullIfEmpty(pod.podIPs()));
    status.setNodeName(pod.state() == PodState.ABSENT ? null : pod.nodeName());
    return status;
  }

  private static Condition ready(
      PodObservation pod,
      boolean wantsPod,
      boolean expired,
      PodStartException startError,
      Long generation) {
    if (expired) {
      return Conditions.of(
          READY, false, "SandboxExpired", "the sandbox's shutdownTime passed", generation);
    }
    if (!wantsPod) {
      return Conditions.of(
          READY, false, "SandboxSuspended", "the sandbox is suspended", generation);
    }
    if (startError != null) {
      return Conditions.of(READY, false, startError.reason(), startError.getMessage(), generation);
    }
    return switch (pod.state()) {
      // On one machine the message names the image the sandbox runs, by digest.
      case READY -> Conditions.of(READY, true, "DependenciesReady", pod.message(), generation);
      case FAILED -> Conditions.of(READY, false, "PodFailed", pod.message(), generation);
      case SUCCEEDED -> Conditions.of(READY, false, "PodSucceeded", pod.message(), generation);
      case ABSENT, STARTING ->
          Conditions.of(READY, false, "DependenciesNotReady", "the pod is starting", generation);
    };
  }

  private static Condition suspended(
      Sandbox sandbox, PodObservation pod, boolean wantsPod, boolean expired, Long generation) {
    boolean suspendedMode =
        sandbox.getSpec().getOperatingMode()
            == dev.bastion.controller.model.OperatingMode.Suspended;
    if (wantsPod || (expired && !suspendedMode)) {
      return Conditions.of(SUSPENDED, false, "NotSuspended", "", generation);
    }
    return pod.state() == PodState.ABSENT
        ? Conditions.of(SUSPENDED, true, "PodTerminated", "", generation)
        : Conditions.of(SUSPENDED, false, "PodTerminating", "", generation);
  }

  private static List<String> nullIfEmpty(List<String> values) {
    return values == null || values.isEmpty() ? null : values;
  }
}
