package dev.bastion.controller.sandbox;

import dev.bastion.controller.desired.Owners;
import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.OperatingMode;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.model.TenantNamespaces;
import dev.bastion.controller.reconcile.ControllerLoop;
import dev.bastion.controller.store.ObjectKey;
import dev.bastion.controller.store.ResourceStore;
import dev.bastion.controller.store.Retries;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.Optional;

/** Deleting, suspending and resuming the caller's existing sandboxes. */
final class SandboxLifecycle {

  private final WorkerExecutor worker;
  private final ResourceStore store;
  private final ControllerLoop loop;
  private final TenantNamespaces namespaces;
  private final TenantSandboxes reads;
  private final SandboxReadiness readiness;

  SandboxLifecycle(
      WorkerExecutor worker,
      ResourceStore store,
      ControllerLoop loop,
      TenantNamespaces namespaces,
      TenantSandboxes reads,
      SandboxReadiness readiness) {
    this.worker = worker;
    this.store = store;
    this.loop = loop;
    this.namespaces = namespaces;
    this.reads = reads;
    this.readiness = readiness;
  }

  /**
   * Deletes the caller's sandbox, and the claim it serves if any (a claimed sandbox belongs to its
   * claim), and completes once its container and files are gone.
   */
  Future<Void> delete(String tenant, String id) {
    return worker
        .executeBlocking(
            () -> {
              Sandbox sandbox = reads.owned(tenant, id);
              servedClaim(tenant, sandbox)
                  .ifPresent(
                      claim ->
                          store.delete(SandboxClaim.class, namespaces.of(tenant), claim, null));
              String namespace = sandbox.getMetadata().getNamespace();
              store.delete(Sandbox.class, namespace, id, null);
              return new ObjectKey("Sandbox", namespace, id);
            },
            false)
        .compose(loop::reconcileNow);
  }

  /**
   * Stops the container and keeps /workspace (and, where the runtime can, its memory); completes
   * once the container is gone.
   */
  Future<SandboxView> suspend(String tenant, String id) {
    return setMode(tenant, id, OperatingMode.Suspended)
        .compose(namespace -> readiness.awaitSuspended(namespace, id));
  }

  /**
   * Starts the sandbox again with the same id, hostname and /workspace (and, where the runtime kept
   * it, its memory); completes when READY.
   */
  Future<SandboxView> resume(String tenant, String id) {
    return setMode(tenant, id, OperatingMode.Running)
        .compose(namespace -> readiness.awaitReady(namespace, id));
  }

  /** Sets the mode of the caller's sandbox {@code id}; completes with the sandbox's namespace. */
  private Future<String> setMode(String tenant, String id, OperatingMode mode) {
    return worker.executeBlocking(
        () ->
            Retries.onConflict(
                () -> {
                  Sandbox sandbox = reads.owned(tenant, id);
                  SandboxPhase phase = SandboxViews.phase(sandbox);
                  if (mode == OperatingMode.Suspended
                      && phase != SandboxPhase.READY
                      && phase != SandboxPhase.SUSPENDED) {
                    throw SandboxError.precondition(
                        "only a READY sandbox can be suspended; " + id + " is " + phase);
                  }
                  if (mode == OperatingMode.Running && phase == SandboxPhase.TERMINATED) {
                    throw SandboxError.precondition(
                        "sandbox " + id + " has expired and cannot be resumed");
                  }
                  sandbox.getSpec().setOperatingMode(mode);
                  store.update(sandbox);
                  return sandbox.getMetadata().getNamespace();
                }),
        false);
  }

  /**
   * The claim {@code sandbox} serves, judged only by what the controller recorded: the claim is the
   * tenant's, its status names this sandbox, and it controls the sandbox (owner reference by uid).
   * A label alone proves nothing, since it names a claim by a name any tenant could write.
   */
  private Optional<String> servedClaim(String tenant, Sandbox sandbox) {
    String name = sandbox.getMetadata().getLabels().get(AgentLabels.CLAIM);
    if (name == null) {
      return Optional.empty();
    }
    return store.read(
        SandboxClaim.class,
        namespaces.of(tenant),
        name,
        claim ->
            tenant.equals(claim.getMetadata().getLabels().get(AgentLabels.TENANT))
                    && claim.getStatus() != null
                    && claim.getStatus().getSandbox() != null
                    && sandbox
                        .getMetadata()
                        .getName()
                        .equals(claim.getStatus().getSandbox().getName())
                    && Owners.isControlledBy(sandbox, claim)
                ? name
                : null);
  }
}
