package dev.bastion.controller.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bastion.controller.desired.Owners;
import dev.bastion.controller.kubernetes.TemplateNetworkPolicyBuilder.GatewayPeer;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.runtime.HostCommand;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The controller against a real API server (k3s in Docker): what the mock server cannot show —
 * generated CRDs accepted by a real apiextensions server with their schemas, and owner references
 * that the garbage collector follows. Runs where Docker has the k3s image (no registry can be
 * reached from CI here, so it skips there, saying so); {@code BASTION_K3S_IMAGE} picks the image.
 */
class K3sEndToEndIT {

  private static final String IMAGE =
      System.getenv().getOrDefault("BASTION_K3S_IMAGE", "rancher/k3s:v1.31.4-k3s1");
  private static final String NAMESPACE = "bastion-e2e";
  private static final Duration PATIENCE = Duration.ofMinutes(2);

  @Test
  void aClaimMakesASandboxAndItsPodAndDeletingTheClaimCollectsThem() throws Exception {
    String skipped =
        "SKIPPED: K3sEndToEndIT needs Docker with the image "
            + IMAGE
            + " loaded (docker load or pull it where a registry is reachable)";
    if (!imagePresent()) {
      System.out.println(skipped); // in the build's output, not only in the report
    }
    assumeTrue(imagePresent(), skipped);
    try (K3sContainer k3s = new K3sContainer(DockerImageName.parse(IMAGE))) {
      k3s.start();
      Vertx vertx = Vertx.vertx();
      try (KubernetesClient api =
          new KubernetesClientBuilder()
              .withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml()))
              .build()) {
        for (CustomResourceDefinition crd : MockCluster.crds()) {
          api.resource(crd).serverSideApply();
        }
        api.resource(
                new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
            .create();
        KubernetesController controller =
            KubernetesController.create(
                vertx,
                new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml()))
                    .build(),
                NAMESPACE,
                new GatewayPeer(NAMESPACE, Map.of("app.kubernetes.io/name", "bastion")),
                "k3s-e2e",
                true,
                new SimpleMeterRegistry(),
                Clock.systemUTC());
        controller.start().await(30, TimeUnit.SECONDS);
        try {
          apply(api, TEMPLATE_POOL_AND_CLAIM);
          await(
              () -> sandboxOf(api, "e2e") != null,
              "the claim to be given a sandbox (cold: the pool is empty)");
          Sandbox sandbox =
              api.resources(Sandbox.class).inNamespace(NAMESPACE).withName("e2e").get();
          await(
              () -> api.pods().inNamespace(NAMESPACE).withName("e2e").get() != null,
              "the sandbox's pod");
          Pod pod = api.pods().inNamespace(NAMESPACE).withName("e2e").get();
          assertThat(Owners.isControlledBy(pod, sandbox)).isTrue();
          assertThat(
                  api.network()
                      .v1()
                      .networkPolicies()
                      .inNamespace(NAMESPACE)
                      .withName("python-sandboxes")
                      .get())
              .isNotNull();

          api.resources(SandboxClaim.class).inNamespace(NAMESPACE).withName("e2e").delete();
          await(
              () ->
                  api.resources(Sandbox.class).inNamespace(NAMESPACE).withName("e2e").get() == null
                      && api.secrets()
                              .inNamespace(NAMESPACE)
                              .withName(SandboxdWiring.secretName("e2e"))
                              .get()
                          == null,
              "the garbage collector to remove the claim's Sandbox and its token Secret");
        } finally {
          controller.stop().await(30, TimeUnit.SECONDS);
        }
      } finally {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  private static boolean imagePresent() {
    return HostCommand.run(List.of("docker", "image", "inspect", IMAGE), Duration.ofSeconds(20))
        .ok();
  }

  private static String sandboxOf(KubernetesClient api, String claim) {
    SandboxClaim object =
        api.resources(SandboxClaim.class).inNamespace(NAMESPACE).withName(claim).get();
    return object == null || object.getStatus() == null || object.getStatus().getSandbox() == null
        ? null
        : object.getStatus().getSandbox().getName();
  }

  private static void apply(KubernetesClient api, String yaml) {
    ClusterFixtures.apply(api, NAMESPACE, yaml);
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    ClusterFixtures.await(condition, PATIENCE, what);
  }

  private static final String TEMPLATE_POOL_AND_CLAIM =
      """
      apiVersion: extensions.agents.x-k8s.io/v1beta1
      kind: SandboxTemplate
      metadata: {name: python}
      spec:
        podTemplate:
          spec:
            containers:
            - name: main
              image: bastion/python:dev
      ---
      apiVersion: extensions.agents.x-k8s.io/v1beta1
      kind: SandboxWarmPool
      metadata: {name: python}
      spec:
        replicas: 0
        sandboxTemplateRef: {name: python}
      ---
      apiVersion: extensions.agents.x-k8s.io/v1beta1
      kind: SandboxClaim
      metadata: {name: e2e}
      spec:
        warmPoolRef: {name: python}
        lifecycle: {shutdownPolicy: Delete}
      """;
}
