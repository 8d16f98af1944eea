package dev.bastion.controller.reconcile;

import java.util.List;

/**
 * What was seen of a sandbox's pod.
 *
 * @param message why the pod is in its state, e.g. the reason it failed; empty when nothing to say
 * @param podIPs the pod's addresses; empty on one machine, where sandboxes have no network
 * @param scheduling where the scheduler stands with the pod (on one machine it is always placed); a
 *     pod it cannot place says why in {@code message}
 */
public record PodObservation(
    PodState state, String message, List<String> podIPs, String nodeName, Scheduling scheduling) {

  public static PodObservation absent() {
    return new PodObservation(PodState.ABSENT, "", List.of(), null, Scheduling.UNDECIDED);
  }

  /** The pod's PodScheduled condition, which the Sandbox's mirrors. */
  public enum Scheduling {
    /** No decision yet (no condition): the Sandbox shows none either. */
    UNDECIDED,
    /** Placed on a node. */
    SCHEDULED,
    /** The scheduler found no node for it. */
    UNSCHEDULABLE
  }

  /** The states a pod goes through, as far as a Sandbox cares. */
  public enum PodState {
    /** No pod exists. */
    ABSENT,
    /** Started, not ready yet. */
    STARTING,
    /** Running and ready to serve. */
    READY,
    /** Ended by itself with success. */
    SUCCEEDED,
    /** Ended with failure (crash, out of memory, task limit). */
    FAILED
  }
}
