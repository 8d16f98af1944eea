package dev.bastion.controller.kubernetes;

import dev.bastion.controller.reconcile.PodObservation;
import dev.bastion.controller.reconcile.PodObservation.PodState;
import dev.bastion.controller.reconcile.PodObservation.Scheduling;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/** What a Sandbox's reconciler needs to know of an observed Pod, with a reason worth showing. */
public final class PodObservations {

  private PodObservations() {}

  /** The observation of {@code pod}; absent when it is null. */
  public static PodObservation of(Pod pod) {
    if (pod == null) {
      return PodObservation.absent();
    }
    PodStatus status = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
    List<String> podIPs = podIPs(status);
    String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    PodState state;
    String message;
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      state = PodState.STARTING;
      message = "the pod is terminating";
    } else if ("Succeeded".equals(status.getPhase())) {
      state = PodState.SUCCEEDED;
      message = "";
    } else if ("Failed".equals(status.getPhase())) {
      state = PodState.FAILED;
      message = failure(status);
    } else if ("Running".equals(status.getPhase())
        && isTrue(status, "Ready")
        && !podIPs.isEmpty()) {
      state = PodState.READY;
      message = "";
    } else {
      state = PodState.STARTING;
      message = whyNotReady(status);
    }
    return new PodObservation(state, message, podIPs, nodeName, scheduling(pod));
  }

  /** Whether the scheduler placed {@code pod} on a node (its PodScheduled condition is True). */
  public static boolean isPodScheduled(Pod pod) {
    return pod.getStatus() != null && isTrue(pod.getStatus(), "PodScheduled");
  }

  /** The pod's PodScheduled condition: False, True (or bound to a node already), or none yet. */
  public static Scheduling scheduling(Pod pod) {
    boolean refused =
        pod.getStatus() != null
            && pod.getStatus().getConditions() != null
            && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()));
    if (refused) {
      return Scheduling.UNSCHEDULABLE;
    }
    boolean placed =
        isPodScheduled(pod) || (pod.getSpec() != null && pod.getSpec().getNodeName() != null);
    return placed ? Scheduling.SCHEDULED : Scheduling.UNDECIDED;
  }

  /** The pod's reason, else the first container that failed, e.g. "OOMKilled (exit code 137)". */
  private static String failure(PodStatus status) {
    String podReason = describe(status.getReason(), status.getMessage());
    if (!podReason.isEmpty()) {
      return podReason;
    }
    return containers(status)
        .map(
            container -> container.getState() == null ? null : container.getState().getTerminated())
        .filter(Objects::nonNull)
        .filter(terminated -> terminated.getExitCode() == null || terminated.getExitCode() != 0)
        .findFirst()
        .map(PodObservations::describe)
        .orElse("");
  }

  /** The first waiting container's reason, else why the pod is not scheduled, else nothing. */
  private static String whyNotReady(PodStatus status) {
    Optional<ContainerStateWaiting> waiting =
        containers(status)
            .map(
                container ->
                    container.getState() == null ? null : container.getState().getWaiting())
            .filter(Objects::nonNull)
            .findFirst();
    if (waiting.isPresent()) {
      return describe(waiting.get().getReason(), waiting.get().getMessage());
    }
    return condition(status, "PodScheduled")
        .filter(scheduled -> "False".equals(scheduled.getStatus()))
        .map(scheduled -> describe(scheduled.getReason(), scheduled.getMessage()))
        .orElse("");
  }

  /** Init containers first: while they run, the others only wait for them. */
  private static Stream<ContainerStatus> containers(PodStatus status) {
    return Stream.concat(
        Optional.ofNullable(status.getInitContainerStatuses()).stream().flatMap(List::stream),
        Optional.ofNullable(status.getContainerStatuses()).stream().flatMap(List::stream));
  }

  private static String describe(ContainerStateTerminated terminated) {
    String reason = describe(terminated.getReason(), terminated.getMessage());
    String exit = terminated.getExitCode() == null ? "" : "exit code " + terminated.getExitCode();
    if (reason.isEmpty()) {
      return exit;
    }
    return exit.isEmpty() ? reason : reason + " (" + exit + ")";
  }

  /** "reason: message", or whichever of the two is there. */
  private static String describe(String reason, String message) {
    boolean hasReason = reason != null && !reason.isBlank();
    boolean hasMessage = message != null && !message.isBlank();
    if (hasReason && hasMessage) {
      return reason + ": " + message;
    }
    return hasReason ? reason : hasMessage ? message : "";
  }

  private static List<String> podIPs(PodStatus status) {
    if (status.getPodIPs() != null && !status.getPodIPs().isEmpty()) {
      return status.getPodIPs().stream().map(PodIP::getIp).filter(Objects::nonNull).toList();
    }
    return status.getPodIP() == null ? List.of() : List.of(status.getPodIP());
  }

  private static boolean isTrue(PodStatus status, String type) {
    return condition(status, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  private static Optional<PodCondition> condition(PodStatus status, String type) {
    return Optional.ofNullable(status.getConditions()).stream()
        .flatMap(List::stream)
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }
}
