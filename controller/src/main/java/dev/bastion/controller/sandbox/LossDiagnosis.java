package dev.bastion.controller.sandbox;

import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.reconcile.ControllerLoop;
import dev.bastion.controller.store.ObjectKey;
import dev.bastion.controller.store.ResourceStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;

/** What became of a sandbox whose connection just broke, asked of the runtime afresh. */
final class LossDiagnosis {

  private static final Duration VERDICT_RETRY = Duration.ofMillis(200);

  private final Vertx vertx;
  private final WorkerExecutor worker;
  private final ResourceStore store;
  private final ControllerLoop loop;
  private final SandboxHosts hosts;
  private final TenantSandboxes reads;

  LossDiagnosis(
      Vertx vertx,
      WorkerExecutor worker,
      ResourceStore store,
      ControllerLoop loop,
      SandboxHosts hosts,
      TenantSandboxes reads) {
    this.vertx = vertx;
    this.worker = worker;
    this.store = store;
    this.loop = loop;
    this.hosts = hosts;
    this.reads = reads;
  }

  /**
   * Asks the runtime afresh whether {@code sandbox} still runs: the runtime may notice the death a
   * moment after the socket does, so a READY answer is checked again a few times within {@code
   * patience} before it is believed.
   */
  Future<SandboxView> verifyAfterLoss(SandboxView sandbox, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    String namespace = sandbox.namespace();
    String id = sandbox.id();
    hosts.forgetObservations();
    return loop.reconcileNow(new ObjectKey("Sandbox", namespace, id))
        .compose(
            ignored ->
                worker.executeBlocking(
                    () -> store.read(Sandbox.class, namespace, id, reads::view).orElse(null),
                    false))
        .compose(
            view -> {
              if (view == null
                  || view.phase() != SandboxPhase.READY
                  || System.nanoTime() > deadline) {
                return Future.succeededFuture(view);
              }
              return vertx
                  .timer(VERDICT_RETRY.toMillis())
                  .compose(
                      ignored ->
                          verifyAfterLoss(sandbox, Duration.ofNanos(deadline - System.nanoTime())));
            });
  }

  /** Whether a FAILED sandbox's message says it ran out of memory. */
  static boolean failedFromOutOfMemory(SandboxView view) {
    return view.phase() == SandboxPhase.FAILED && DeathReasons.isOutOfMemory(view.message());
  }
}
