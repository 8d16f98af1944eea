package dev.bastion.controller.sandbox;

import dev.bastion.controller.desired.ClaimSandboxes;
import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.Conditions;
import dev.bastion.controller.model.OperatingMode;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxConditions;
import dev.bastion.controller.reconcile.Timestamps;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Derives the agent-facing view of a Sandbox from its conditions. Pure. */
public final class SandboxViews {

  private SandboxViews() {}

  /**
   * @param claimShutdown the expiry of the claim it serves, or null
   */
  public static SandboxView of(Sandbox sandbox, String runtime, Instant claimShutdown) {
    Map<String, String> meta = sandbox.getMetadata().getAnnotations();
    Map<String, String> annotations = meta == null ? Map.of() : meta;
    Instant shutdown = Timestamps.parse(sandbox.getSpec().getShutdownTime());
    if (claimShutdown != null && (shutdown == null || claimShutdown.isBefore(shutdown))) {
      shutdown = claimShutdown;
    }
    Map<String, String> labels = sandbox.getMetadata().getLabels();
    return new SandboxView(
        sandbox.getMetadata().getName(),
        sandbox.getMetadata().getNamespace(),
        labels == null ? "" : labels.getOrDefault(AgentLabels.TENANT, ""),
        annotations.getOrDefault(AgentLabels.TEMPLATE, ""),
        annotations.getOrDefault(AgentLabels.FROM_WARM_POOL, ""),
        userLabels(labels),
        env(sandbox),
        phase(sandbox),
        runtime,
        annotations.getOrDefault(AgentLabels.LAUNCH_TYPE, ClaimSandboxes.COLD),
        Instant.parse(sandbox.getMetadata().getCreationTimestamp()),
        shutdown,
        message(sandbox));
  }

  /** The phase the Sandbox's conditions and operating mode add up to. */
  public static SandboxPhase phase(Sandbox sandbox) {
    if (SandboxConditions.isReady(sandbox)) {
      return SandboxPhase.READY;
    }
    Optional<String> reason = SandboxConditions.readyReason(sandbox);
    if (reason.equals(Optional.of("SandboxExpired"))) {
      return SandboxPhase.TERMINATED;
    }
    if (sandbox.getSpec().getOperatingMode() == OperatingMode.Suspended) {
      return SandboxPhase.SUSPENDED;
    }
    if (SandboxConditions.hasFailed(sandbox)) {
      return SandboxPhase.FAILED;
    }
    return SandboxPhase.PENDING;
  }

  private static String message(Sandbox sandbox) {
    if (sandbox.getStatus() == null) {
      return "";
    }
    return Conditions.find(sandbox.getStatus().getConditions(), SandboxConditions.READY)
        .filter(c -> !Conditions.TRUE.equals(c.getStatus()))
        .map(Condition::getMessage)
        .orElse("");
  }

  /** The environment of its (first) container: what every process in it gets. */
  private static Map<String, String> env(Sandbox sandbox) {
    List<Container> containers = sandbox.getSpec().getPodTemplate().getSpec().getContainers();
    Map<String, String> env = new HashMap<>();
    if (!containers.isEmpty() && containers.get(0).getEnv() != null) {
      for (EnvVar var : containers.get(0).getEnv()) {
        env.put(var.getName(), var.getValue() == null ? "" : var.getValue());
      }
    }
    return env;
  }

  private static Map<String, String> userLabels(Map<String, String> labels) {
    Map<String, String> shown = new HashMap<>();
    if (labels != null) {
      labels.forEach(
          (key, value) -> {
            if (!Labels.isInternal(key)) {
              shown.put(key, value);
            }
          });
    }
    return shown;
  }
}
