package dev.bastion.gateway.server;

import dev.bastion.controller.SandboxController;
import dev.bastion.controller.kubernetes.KubernetesController;
import dev.bastion.controller.kubernetes.TemplateNetworkPolicyBuilder.GatewayPeer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * {@code serve --kubernetes}: the controller for a namespace of the cluster this process is
 * configured for — in-cluster (the pod's service account) or the kubeconfig, as kubectl finds them.
 */
final class KubernetesStart {

  /** The labels of the gateway's pods (deploy/base): the only pods sandboxes accept calls from. */
  static final Map<String, String> GATEWAY_POD_LABELS = Map.of("app.kubernetes.io/name", "bastion");

  private KubernetesStart() {}

  static Future<SandboxController> controller(
      Vertx vertx, ServerConfig config, MeterRegistry metrics) {
    String namespace = config.kubernetesNamespace();
    return vertx.executeBlocking(
        () -> {
          KubernetesClient client = new KubernetesClientBuilder().build();
          try {
            return KubernetesController.create(
                vertx,
                client,
                namespace,
                new GatewayPeer(namespace, GATEWAY_POD_LABELS),
                identity(),
                true,
                metrics,
                Clock.systemUTC());
          } catch (RuntimeException e) {
            client.close();
            throw new StartupException(
                "cannot serve namespace " + namespace + " of the cluster: " + e.getMessage());
          }
        });
  }

  /** This replica's name in the controller's Lease: the pod's name, which Kubernetes sets. */
  private static String identity() {
    return Objects.requireNonNullElseGet(
        System.getenv("HOSTNAME"), () -> "bastion-" + ProcessHandle.current().pid());
  }
}
