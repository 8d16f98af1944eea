package dev.bastion.controller.hardening;

import dev.bastion.controller.model.ManifestText;
import dev.bastion.controller.model.PodShape;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxTemplate;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.ArrayList;
import java.util.List;

/**
 * A valid SandboxTemplate or Sandbox as the checks see it: its pod, and the kind itself for the
 * checks whose answer depends on it (network policy, expiry, service account token).
 */
sealed interface GradedObject {

  /** Where the pod's spec sits in both kinds, the start of most findings' paths. */
  String POD = "spec.podTemplate.spec";

  PodShape shape();

  default PodSpec pod() {
    return shape().getPodTemplate().getSpec();
  }

  /** The containers, then the init containers: each runs the template's code with its rights. */
  default List<ContainerAt> containers() {
    List<ContainerAt> all = new ArrayList<>();
    add(all, POD + ".containers", pod().getContainers());
    add(all, POD + ".initContainers", pod().getInitContainers());
    return all;
  }

  private static void add(List<ContainerAt> all, String path, List<Container> containers) {
    if (containers != null) {
      for (int i = 0; i < containers.size(); i++) {
        all.add(new ContainerAt(ManifestText.index(path, i), containers.get(i)));
      }
    }
  }

  record OfTemplate(SandboxTemplate template) implements GradedObject {
    @Override
    public PodShape shape() {
      return template.getSpec();
    }
  }

  record OfSandbox(Sandbox sandbox) implements GradedObject {
    @Override
    public PodShape shape() {
      return sandbox.getSpec();
    }
  }

  /** A container and its path, e.g. {@code spec.podTemplate.spec.containers[0]}. */
  record ContainerAt(String path, Container container) {

    /** Its security context, or an empty one when it sets none. */
    SecurityContext securityContext() {
      SecurityContext context = container.getSecurityContext();
      return context == null ? new SecurityContext() : context;
    }
  }
}
