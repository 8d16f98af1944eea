package dev.bastion.controller.kubernetes;

import dev.bastion.controller.desired.Owners;
import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.TemplateMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;

/** Metadata shared by every object made for a Sandbox. */
final class SandboxChildren {

  private SandboxChildren() {}

  /**
   * Metadata of an object named {@code name} in the Sandbox's namespace: the template's labels and
   * annotations without reserved keys, the name-hash label (set last, so a template cannot override
   * it), and the Sandbox as controller, so deleting it cascades.
   *
   * @param template labels and annotations to carry over; may be null
   */
  static ObjectMeta metadata(Sandbox sandbox, String name, TemplateMetadata template) {
    Map<String, String> labels =
        AgentLabels.withoutReserved(template == null ? null : template.getLabels());
    labels.put(AgentLabels.SANDBOX_NAME_HASH, nameHash(sandbox));
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(sandbox.getMetadata().getNamespace())
        .withLabels(labels)
        .withAnnotations(
            AgentLabels.withoutReserved(template == null ? null : template.getAnnotations()))
        .withOwnerReferences(Owners.controllerRef(sandbox))
        .build();
  }

  /** The name-hash label value of the Sandbox's pod, which its Service selects on. */
  static String nameHash(Sandbox sandbox) {
    return AgentLabels.nameHash(sandbox.getMetadata().getName());
  }
}
