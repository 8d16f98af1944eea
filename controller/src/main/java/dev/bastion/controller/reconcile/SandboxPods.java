package dev.bastion.controller.reconcile;

import dev.bastion.controller.model.Sandbox;
import java.util.Optional;

/**
 * The running side of Sandboxes: a container on this machine in embedded mode, a Pod on Kubernetes.
 * The {@link SandboxReconciler} decides; this only observes and acts. Calls may block.
 */
public interface SandboxPods {

  /** What runs for the sandbox now. */
  PodObservation observe(Sandbox sandbox);

  /**
   * Starts a fresh pod for the sandbox (its volumes are kept from any earlier pod). Returns once it
   * is started, not once it is ready: readiness is observed.
   *
   * @throws PodStartException when it cannot start, with a reason for the sandbox's status
   */
  void start(Sandbox sandbox);

  /** Stops the pod and keeps the sandbox's volumes (expiry with Retain, and suspend here). */
  void stop(String namespace, String name);

  /**
   * Stops the pod of a sandbox that is suspended: where the runtime can, with its memory kept, so
   * that the next {@link #start} continues its processes; by default as {@link #stop} (upstream's
   * semantics: the pod goes, its volumes stay).
   */
  default void suspend(Sandbox sandbox) {
    stop(sandbox.getMetadata().getNamespace(), sandbox.getMetadata().getName());
  }

  /** Removes the pod and the sandbox's volumes: the Sandbox is gone. */
  void remove(String namespace, String name);

  /**
   * Makes the sandbox's Service exist when {@code wanted} (it asks for one and has not expired) and
   * not otherwise. One machine has no Services (templates asking for one are refused there).
   *
   * @return the Service when the sandbox has one
   */
  default Optional<ServiceAddress> syncService(Sandbox sandbox, boolean wanted) {
    return Optional.empty();
  }
}
