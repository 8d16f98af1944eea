package dev.bastion.controller.kubernetes;

import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.Sandbox;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

/**
 * The headless Service of a Sandbox that asks for one: it gives the pod a stable DNS name that
 * survives suspend and resume, and names the sandboxd port.
 */
public final class SandboxServiceBuilder {

  /** A Service without a cluster IP: DNS answers with the pod's own address. */
  private static final String HEADLESS = "None";

  private SandboxServiceBuilder() {}

  /** A headless Service named like {@code sandbox} that selects its pod by name hash. */
  public static Service build(Sandbox sandbox) {
    return new ServiceBuilder()
        .withMetadata(SandboxChildren.metadata(sandbox, sandbox.getMetadata().getName(), null))
        .withNewSpec()
        .withClusterIP(HEADLESS)
        .addToSelector(AgentLabels.SANDBOX_NAME_HASH, SandboxChildren.nameHash(sandbox))
        // A sandbox that is not Ready must not be reachable under its name.
        .withPublishNotReadyAddresses(false)
        .addNewPort()
        .withName(SandboxdWiring.PORT_NAME)
        .withProtocol("TCP")
        .withPort(SandboxdWiring.PORT)
        .withTargetPort(new IntOrString(SandboxdWiring.PORT))
        .endPort()
        .endSpec()
        .build();
  }

  /** The cluster DNS name of Service {@code name} in {@code namespace} (status.serviceFQDN). */
  public static String fqdn(String name, String namespace) {
    return name + "." + namespace + ".svc.cluster.local";
  }
}
