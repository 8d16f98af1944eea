package dev.bastion.controller.reconcile;

import java.util.List;

/**
 * What was seen of a sandbox's pod.
 *
 * @param message why the pod is in its state, e.g. the reason it failed; empty when nothing to say
 * @param podIPs the pod's addresses; empty on one machine, where sandboxes have no network
 */
public record PodObservation(PodState state, String message, List<String> podIPs, String nodeName) {

  public static PodObservation absent() {
    return new PodObservation(PodState.ABSENT, "", List.of(), null);
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
