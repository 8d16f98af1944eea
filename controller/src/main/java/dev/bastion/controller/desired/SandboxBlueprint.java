package dev.bastion.controller.desired;

import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.ModelSerialization;
import dev.bastion.controller.model.PodTemplate;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxSpec;
import dev.bastion.controller.model.SandboxTemplate;
import dev.bastion.controller.model.SandboxTemplateSpec;
import dev.bastion.controller.model.TemplateMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Builds the Sandbox a template describes. Pure: no store, no runtime. The template's reserved
 * labels are not copied, and pods get no service account token unless the template asks for one.
 */
public final class SandboxBlueprint {

  private SandboxBlueprint() {}

  /** A Sandbox named {@code name} built from {@code template}. */
  public static Sandbox fromTemplate(SandboxTemplate template, String namespace, String name) {
    SandboxTemplateSpec blueprint = ModelSerialization.get().clone(template.getSpec());
    PodTemplate podTemplate = blueprint.getPodTemplate();
    TemplateMetadata podMetadata =
        podTemplate.getMetadata() == null ? new TemplateMetadata() : podTemplate.getMetadata();
    podMetadata.setLabels(AgentLabels.withoutReserved(podMetadata.getLabels()));
    podMetadata.setAnnotations(AgentLabels.withoutReserved(podMetadata.getAnnotations()));
    podTemplate.setMetadata(podMetadata);
    if (podTemplate.getSpec().getAutomountServiceAccountToken() == null) {
      podTemplate.getSpec().setAutomountServiceAccountToken(false);
    }

    SandboxSpec spec = new SandboxSpec();
    spec.setPodTemplate(podTemplate);
    spec.setVolumeClaimTemplates(blueprint.getVolumeClaimTemplates());
    spec.setService(blueprint.getService());

    Sandbox sandbox = new Sandbox();
    ObjectMeta meta = new ObjectMeta();
    meta.setName(name);
    meta.setNamespace(namespace);
    meta.setLabels(new HashMap<>());
    meta.setAnnotations(
        new HashMap<>(Map.of(AgentLabels.TEMPLATE, template.getMetadata().getName())));
    sandbox.setMetadata(meta);
    sandbox.setSpec(spec);
    return sandbox;
  }

  /**
   * A short hash of what a template makes (pod template, volumes, service): pool members built from
   * an older version of the template have a different one.
   */
  public static String hash(SandboxTemplate template) {
    SandboxTemplateSpec spec = template.getSpec();
    String blueprint =
        ModelSerialization.toJson(spec.getPodTemplate())
            + ModelSerialization.toJson(spec.getVolumeClaimTemplates())
            + spec.getService();
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(blueprint.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
