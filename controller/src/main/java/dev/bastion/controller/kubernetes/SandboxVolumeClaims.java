package dev.bastion.controller.kubernetes;

import dev.bastion.controller.model.ModelSerialization;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.VolumeClaimTemplate;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import java.util.List;

/** The PersistentVolumeClaims of a Sandbox: one per volume claim template, StatefulSet-style. */
public final class SandboxVolumeClaims {

  private SandboxVolumeClaims() {}

  /** One claim per volume claim template of {@code sandbox}, in order; empty when it has none. */
  public static List<PersistentVolumeClaim> build(Sandbox sandbox) {
    List<VolumeClaimTemplate> templates = sandbox.getSpec().getVolumeClaimTemplates();
    if (templates == null) {
      return List.of();
    }
    return templates.stream().map(template -> claim(sandbox, template)).toList();
  }

  /**
   * The name of the claim made from template {@code templateName} for sandbox {@code sandboxName},
   * as a StatefulSet names it: the pod mounts it under the template's name.
   */
  static String claimName(String templateName, String sandboxName) {
    return templateName + "-" + sandboxName;
  }

  private static PersistentVolumeClaim claim(Sandbox sandbox, VolumeClaimTemplate template) {
    String name = claimName(template.getMetadata().getName(), sandbox.getMetadata().getName());
    return new PersistentVolumeClaimBuilder()
        .withMetadata(SandboxChildren.metadata(sandbox, name, template.getMetadata()))
        .withSpec(ModelSerialization.get().clone(template.getSpec()))
        .build();
  }
}
