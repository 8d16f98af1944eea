package dev.bastion.controller.reconcile;

import dev.bastion.controller.model.Conditions;
import dev.bastion.controller.model.OperatingMode;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxConditions;
import dev.bastion.controller.model.SandboxStatus;
import dev.bastion.controller.model.ShutdownPolicy;
import dev.bastion.controller.reconcile.PodObservation.PodState;
import dev.bastion.controller.store.ResourceStore;
import dev.bastion.controller.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Keeps a Sandbox's pod in line with its spec: one pod while it is Running and not expired, none
 * while Suspended or expired (volumes kept), nothing at all once the Sandbox is deleted; then
 * writes the status it observed, only when it changed.
 */
public final class SandboxReconciler implements Reconciler {

  /** How soon to look again at a pod that is starting: readiness is a file appearing. */
  static final Duration STARTING_POLL = Duration.ofMillis(20);

  /** How soon to retry a pod that could not start. */
  static final Duration START_RETRY = Duration.ofSeconds(10);

  private final ResourceStore store;
  private final SandboxPods pods;
  private final Clock clock;
  private final LifecycleMetrics metrics;

  public SandboxReconciler(
      ResourceStore store, SandboxPods pods, Clock clock, LifecycleMetrics metrics) {
    this.store = store;
    this.pods = pods;
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  public String kind() {
    return "Sandbox";
  }

  @Override
  public Requeue reconcile(String namespace, String name) {
    Optional<Sandbox> found = store.get(Sandbox.class, namespace, name);
    if (found.isEmpty()) {
      pods.remove(namespace, name);
      return Requeue.never();
    }
    Sandbox sandbox = found.get();
    Instant now = clock.instant();
    Instant shutdown = Timestamps.parse(sandbox.getSpec().getShutdownTime());
    boolean expired = shutdown != null && !now.isBefore(shutdown);
    if (expired && sandbox.getSpec().getShutdownPolicy() == ShutdownPolicy.Delete) {
      // The pod goes when the next pass finds the Sandbox gone.
      store.delete(Sandbox.class, namespace, name, sandbox.getMetadata().getResourceVersion());
      return Requeue.never();
    }
    boolean wantsPod = !expired && sandbox.getSpec().getOperatingMode() != OperatingMode.Suspended;

    PodObservation pod = pods.observe(sandbox);
    PodStartException startError = null;
    if (wantsPod && pod.state() == PodState.ABSENT) {
      try {
        pods.start(sandbox);
        pod = pods.observe(sandbox);
      } catch (PodStartException e) {
        startError = e;
      }
    } else if (!wantsPod && pod.state() != PodState.ABSENT) {
      if (!expired && pod.state() == PodState.READY) {
        pods.suspend(sandbox);
      } else {
        pods.stop(namespace, name);
      }
      pod = PodObservation.absent();
    }

    boolean wantsService = !expired && Boolean.TRUE.equals(sandbox.getSpec().getService());
    Optional<ServiceAddress> service = pods.syncService(sandbox, wantsService);

    SandboxStatus status = SandboxStatusBuilder.build(sandbox, pod, wantsPod, expired, startError);
    status.setService(service.map(ServiceAddress::name).orElse(null));
    status.setServiceFQDN(service.map(ServiceAddress::fqdn).orElse(null));
    writeStatus(sandbox, status, now);

    Requeue requeue = Requeue.never();
    if (startError != null) {
      requeue = Requeue.after(startError.retryAfter());
    } else if (pod.state() == PodState.STARTING) {
      requeue = Requeue.after(STARTING_POLL);
    }
    if (shutdown != null && !expired) {
      requeue = requeue.orSooner(Requeue.after(Duration.between(now, shutdown)));
    }
    return requeue;
  }

  private void writeStatus(Sandbox sandbox, SandboxStatus desired, Instant now) {
    SandboxStatus current = sandbox.getStatus();
    boolean wasReady = SandboxConditions.isReady(sandbox);
    // Creation latency is about a Sandbox's first pod: a later spec change (suspend) bumps it.
    boolean firstPod = Long.valueOf(1).equals(sandbox.getMetadata().getGeneration());
    desired.setConditions(
        Conditions.merge(
            current == null ? null : current.getConditions(), desired.getConditions(), now));
    sandbox.setStatus(desired);
    try {
      store.updateStatus(sandbox);
    } catch (StoreException changedOrDeleted) {
      // The Sandbox changed or went while we looked: its event queues another pass.
      return;
    }
    if (!wasReady && firstPod && SandboxConditions.isReady(sandbox)) {
      metrics.sandboxReady(sandbox, now);
    }
  }
}
