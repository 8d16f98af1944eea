package dev.bastion.controller.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * Leader election over the Lease {@value #NAME}: of all gateway replicas, one runs the reconcilers
 * at a time (the others serve agents and leave reconciling to it). The timings are client-go's
 * defaults: a dead leader is replaced within about 15 s.
 */
public final class ControllerLease {

  public static final String NAME = "bastion-controller";

  private static final Logger LOG = Logger.getLogger(ControllerLease.class.getName());
  private static final Duration LEASE = Duration.ofSeconds(15);
  private static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
  private static final Duration RETRY = Duration.ofSeconds(2);

  private ControllerLease() {}

  /**
   * Campaigns for the lease in the background; {@code onLeading} runs once it is held, {@code
   * onLost} if it is lost afterwards (the caller should stop reconciling: another replica now
   * does). Cancel the returned future to give the lease up.
   */
  public static CompletableFuture<?> campaign(
      KubernetesClient client,
      String namespace,
      String identity,
      Runnable onLeading,
      Runnable onLost) {
    return client
        .leaderElector()
        .withConfig(
            new LeaderElectionConfigBuilder()
                .withName(NAME)
                .withLock(new LeaseLock(namespace, NAME, identity))
                .withLeaseDuration(LEASE)
                .withRenewDeadline(RENEW_DEADLINE)
                .withRetryPeriod(RETRY)
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(
                    new LeaderCallbacks(
                        onLeading,
                        onLost,
                        leader -> {
                          if (leader != null) { // null: the lease was just released
                            LOG.info("the controller lease is held by " + leader);
                          }
                        }))
                .build())
        .build()
        .start();
  }
}
