package dev.bastion.controller.kubernetes;

import dev.bastion.controller.model.Manifests;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** What tests and benchmarks against an API server do over and over. */
public final class ClusterFixtures {

  private ClusterFixtures() {}

  /** Creates every object of the manifests in {@code namespace}, as {@code kubectl create}. */
  public static void apply(KubernetesClient api, String namespace, String yaml) {
    for (HasMetadata object : Manifests.parse(yaml)) {
      object.getMetadata().setNamespace(namespace);
      api.resource(object).create();
    }
  }

  /**
   * Waits until {@code condition} holds, asking again every few milliseconds (an API server offers
   * no cheaper signal for an arbitrary condition).
   *
   * @throws IllegalStateException naming {@code what} when it does not hold within {@code patience}
   */
  public static void await(BooleanSupplier condition, Duration patience, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      Thread.sleep(25);
    }
  }
}
