package dev.bastion.controller.sandbox;

import dev.bastion.controller.model.TenantNamespaces;
import dev.bastion.controller.policy.PolicyLimits;
import dev.bastion.controller.reconcile.ControllerLoop;
import dev.bastion.controller.store.ResourceStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The agent-facing side of sandboxes: what the gateway's front ends call. It writes the desired
 * state — a Sandbox from a template, or a SandboxClaim on a warm pool — and waits for the
 * controller to make it so; it never starts or stops anything itself. Every lookup is confined to
 * the caller's tenant: another tenant's sandbox is NOT_FOUND.
 *
 * <p>One entry for its callers over the pieces that do the work: {@link TenantSandboxes} reads,
 * {@link SandboxCreation} creates within the quota, {@link SandboxLifecycle} deletes, suspends and
 * resumes, {@link SandboxReadiness} waits for the outcome and {@link LossDiagnosis} explains a
 * broken connection.
 */
public final class SandboxService {

  /**
   * The namespace of embedded mode's shared objects: templates, warm pools, policies and the pools'
   * members. Each tenant's Sandboxes and claims are in a namespace of their own (see {@link
   * TenantNamespaces}).
   */
  public static final String DEFAULT_NAMESPACE = "default";

  private final SandboxAdmission admission;
  private final TenantSandboxes reads;
  private final SandboxCreation creation;
  private final SandboxLifecycle lifecycle;
  private final LossDiagnosis losses;
  private final SandboxSnapshots snapshots;

  public SandboxService(
      Vertx vertx,
      WorkerExecutor worker,
      ResourceStore store,
      ControllerLoop loop,
      SandboxHosts hosts,
      TenantNamespaces namespaces,
      EmbeddedOptions options,
      SnapshotStore snapshotStore,
      Clock clock) {
    this.admission = new SandboxAdmission(store, namespaces, options, clock);
    this.reads = new TenantSandboxes(store, hosts, namespaces);
    SandboxReadiness readiness =
        new SandboxReadiness(
            new ObjectWaiter(vertx, store), store, worker, reads, namespaces, options);
    this.snapshots = new SandboxSnapshots(worker, snapshotStore, reads, SnapshotQuota.DEFAULT);
    this.creation = new SandboxCreation(worker, store, namespaces, admission, readiness, snapshots);
    this.lifecycle = new SandboxLifecycle(worker, store, loop, namespaces, reads, readiness);
    this.losses = new LossDiagnosis(vertx, worker, store, loop, hosts, reads);
  }

  /** Snapshots of the tenants' sandboxes, which {@link #create} can continue from. */
  public SandboxSnapshots snapshots() {
    return snapshots;
  }

  /** The quota and lifetime rules every new sandbox of this service passes. */
  public SandboxAdmission admission() {
    return admission;
  }

  /** The caller's sandbox {@code id}; another tenant's sandbox is NOT_FOUND. */
  public SandboxView get(String tenant, String id) {
    return reads.get(tenant, id);
  }

  /** The caller's sandboxes matching {@code selector}, oldest first. */
  public List<SandboxView> list(String tenant, LabelSelector selector) {
    return reads.list(tenant, selector);
  }

  /** How many sandboxes, of every tenant, are in {@code phase}. */
  public long count(SandboxPhase phase) {
    return reads.count(phase);
  }

  /**
   * Where the sandbox's sandboxd answers; {@code view} is the caller's ({@link #get}) and must be
   * READY, any other phase is a FAILED_PRECONDITION saying what to do.
   */
  public SandboxdAddress sandboxdOfReady(SandboxView view) {
    return reads.sandboxdOfReady(view);
  }

  /**
   * The template a create request would use: its own, or its warm pool's; empty when the pool does
   * not exist (the create itself then says so).
   */
  public String templateOf(CreateRequest request) {
    if (!request.snapshot().isEmpty()) {
      return snapshots
          .store()
          .find(request.tenant(), request.snapshot())
          .map(SnapshotView::template)
          .orElse("");
    }
    return reads.templateOf(request);
  }

  /** The template warm pool {@code pool} builds its members from; empty when it does not exist. */
  public String templateOfPool(String pool) {
    return reads.templateOfPool(pool);
  }

  /**
   * Creates a sandbox — cold from a template, or by claiming from a warm pool — and completes when
   * it is READY, or fails with the reason it cannot be.
   *
   * @param maxSandboxes a policy's bound on the tenant's sandboxes, besides the server's own
   */
  public Future<SandboxView> create(
      CreateRequest request, Optional<PolicyLimits.Bound> maxSandboxes) {
    return creation.create(request, maxSandboxes);
  }

  /**
   * Deletes the caller's sandbox, and the claim it serves if any, and completes once its container
   * and files are gone.
   */
  public Future<Void> delete(String tenant, String id) {
    return lifecycle.delete(tenant, id);
  }

  /**
   * Stops the container and keeps /workspace (and, where the runtime can, its memory); completes
   * once the container is gone.
   */
  public Future<SandboxView> suspend(String tenant, String id) {
    return lifecycle.suspend(tenant, id);
  }

  /**
   * Starts the sandbox again with the same id, hostname and /workspace (and, where the runtime kept
   * it, its memory); completes when READY.
   */
  public Future<SandboxView> resume(String tenant, String id) {
    return lifecycle.resume(tenant, id);
  }

  /**
   * Asks the runtime afresh whether {@code sandbox} still runs, for when a connection to it just
   * broke; a READY answer is checked again within {@code patience} before it is believed.
   */
  public Future<SandboxView> verifyAfterLoss(SandboxView sandbox, Duration patience) {
    return losses.verifyAfterLoss(sandbox, patience);
  }

  /** Whether a FAILED sandbox's message says it ran out of memory. */
  public static boolean failedFromOutOfMemory(SandboxView view) {
    return LossDiagnosis.failedFromOutOfMemory(view);
  }
}
