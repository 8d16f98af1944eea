package dev.bastion.controller.model;

import java.util.List;

/** The condition types and reasons of a Sandbox, and what they say about it. */
public final class SandboxConditions {

  public static final String READY = "Ready";
  public static final String SUSPENDED = "Suspended";
  public static final String FINISHED = "Finished";
  public static final String POD_SCHEDULED = "PodScheduled";

  /** PodScheduled's reason while the scheduler finds no node for the pod. */
  public static final String UNSCHEDULABLE = "Unschedulable";

  /** Ready=False while the sandbox's image is being pulled (embedded mode). */
  public static final String IMAGE_PULLING = "ImagePulling";

  /** Ready=False when the sandbox's image cannot be pulled or run (embedded mode). */
  public static final String IMAGE_PULL_FAILED = "ImagePullFailed";

  /** Ready=False reasons that no waiting will turn into Ready. */
  public static final List<String> TERMINAL_REASONS =
      List.of("PodFailed", "PodSucceeded", "SandboxExpired", "ReconcilerError", IMAGE_PULL_FAILED);

  private SandboxConditions() {}

  public static boolean isReady(Sandbox sandbox) {
    return sandbox.getStatus() != null
        && Conditions.isTrue(sandbox.getStatus().getConditions(), READY);
  }

  /** Whether its pod exists and the scheduler finds no node for it. */
  public static boolean isUnschedulable(Sandbox sandbox) {
    return sandbox.getStatus() != null
        && Conditions.find(sandbox.getStatus().getConditions(), POD_SCHEDULED)
            .filter(c -> "False".equals(c.getStatus()))
            .isPresent();
  }

  /** Whether the sandbox cannot become Ready without someone changing it. */
  public static boolean hasFailed(Sandbox sandbox) {
    return readyReason(sandbox).map(TERMINAL_REASONS::contains).orElse(false);
  }

  /** The reason of its Ready condition, if it has one. */
  public static java.util.Optional<String> readyReason(Sandbox sandbox) {
    if (sandbox.getStatus() == null) {
      return java.util.Optional.empty();
    }
    return Conditions.find(sandbox.getStatus().getConditions(), READY)
        .map(io.fabric8.kubernetes.api.model.Condition::getReason);
  }
}
