package dev.bastion.controller;

import dev.bastion.controller.admin.ResourceAdmin;
import dev.bastion.controller.policy.PoliciesInForce;
import dev.bastion.controller.sandbox.SandboxService;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * What the gateway serves agents from: the controller on one machine ({@link EmbeddedController})
 * or on a cluster ({@link dev.bastion.controller.kubernetes.KubernetesController}).
 */
public interface SandboxController {

  SandboxService sandboxes();

  /** The ToolPolicies in force, kept current as they are applied and deleted. */
  PoliciesInForce policies();

  /**
   * Applying, reading and deleting API objects for {@code bastion apply/get/delete}; empty on
   * Kubernetes, where kubectl does that against the API server.
   */
  Optional<ResourceAdmin> admin();

  /** Runs blocking work (store writes, admin calls) on the API worker pool. */
  <T> Future<T> blocking(Callable<T> work);

  /** Starts reconciling (on Kubernetes: campaigns to be the replica that reconciles). */
  Future<Void> start();

  /** Stops reconciling; sandboxes keep running. */
  Future<Void> stop();

  /**
   * Whether this controller still does its part; false when only a restart can mend it (a
   * Kubernetes replica that lost the controller's lease), which /healthz reports.
   */
  default boolean live() {
    return true;
  }
}
