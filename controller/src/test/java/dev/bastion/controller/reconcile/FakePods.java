package dev.bastion.controller.reconcile;

import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.reconcile.PodObservation.PodState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pods in memory, for reconciler tests: the real runtime is exercised by the embedded ITs. A
 * started pod is STARTING until the test (or {@code readyAtOnce}) makes it READY.
 */
final class FakePods implements SandboxPods {

  final Map<String, PodState> pods = new ConcurrentHashMap<>();
  final Set<String> removed = ConcurrentHashMap.newKeySet();
  final AtomicInteger starts = new AtomicInteger();
  final Set<String> suspendedWithMemory = ConcurrentHashMap.newKeySet();
  volatile boolean readyAtOnce = true;

  /** What every start throws instead of starting, while set (an image pulled or refused). */
  volatile PodStartException startFailure;

  /** Pods the scheduler finds no node for (they stay starting). */
  volatile boolean unschedulable;

  @Override
  public PodObservation observe(Sandbox sandbox) {
    PodState state = pods.getOrDefault(sandbox.getMetadata().getName(), PodState.ABSENT);
    return new PodObservation(
        state,
        state == PodState.FAILED ? "out of memory" : "",
        List.of(),
        null,
        unschedulable
            ? PodObservation.Scheduling.UNSCHEDULABLE
            : PodObservation.Scheduling.SCHEDULED);
  }

  @Override
  public void start(Sandbox sandbox) {
    starts.incrementAndGet();
    if (startFailure != null) {
      throw startFailure;
    }
    pods.put(sandbox.getMetadata().getName(), readyAtOnce ? PodState.READY : PodState.STARTING);
  }

  @Override
  public void suspend(Sandbox sandbox) {
    suspendedWithMemory.add(sandbox.getMetadata().getName());
    pods.remove(sandbox.getMetadata().getName());
  }

  @Override
  public void stop(String namespace, String name) {
    pods.remove(name);
  }

  @Override
  public void remove(String namespace, String name) {
    pods.remove(name);
    removed.add(name);
  }
}
