package dev.bastion.controller.reconcile;

import dev.bastion.controller.model.Sandbox;

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

  /** Stops the pod and keeps the sandbox's volumes (suspend, expiry with Retain). */
  void stop(String namespace, String name);

  /** Removes the pod and the sandbox's volumes: the Sandbox is gone. */
  void remove(String namespace, String name);
}
