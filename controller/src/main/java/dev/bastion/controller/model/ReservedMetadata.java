package dev.bastion.controller.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metadata that belongs to the controller, not to whoever applies a manifest: labels,
 * annotations and finalizers under the API's and Bastion's prefixes, and owner references. The
 * reconcilers decide pool membership and claims from these, so a manifest that could set them could
 * make a pool treat a tenant's Sandbox as its member, or a claim adopt or delete what is not its
 * own. Applies are refused when they carry any; updates keep the controller's.
 */
public final class ReservedMetadata {

  private ReservedMetadata() {}

  /**
   * The fields of {@code object} that set controller metadata, as paths ({@code
   * metadata.labels["extensions.agents.x-k8s.io/claim"]}); empty when there are none.
   */
  public static List<String> setIn(HasMetadata object) {
    List<String> fields = new ArrayList<>();
    ObjectMeta meta = object.getMetadata();
    if (meta != null) {
      keys("metadata.labels", meta.getLabels(), fields);
      keys("metadata.annotations", meta.getAnnotations(), fields);
      if (meta.getOwnerReferences() != null && !meta.getOwnerReferences().isEmpty()) {
        fields.add("metadata.ownerReferences");
      }
      if (meta.getFinalizers() != null) {
        for (String finalizer : meta.getFinalizers()) {
          if (AgentLabels.isControllerOwned(finalizer)) {
            fields.add("metadata.finalizers[" + ManifestText.quote(finalizer) + "]");
          }
        }
      }
    }
    // Pod metadata reaches the Sandbox or its pod: the same keys are the controller's there.
    if (object instanceof Sandbox sandbox && sandbox.getSpec() != null) {
      podMetadata("spec.podTemplate.metadata", sandbox.getSpec().getPodTemplate(), fields);
    } else if (object instanceof SandboxTemplate template && template.getSpec() != null) {
      podMetadata("spec.podTemplate.metadata", template.getSpec().getPodTemplate(), fields);
    } else if (object instanceof SandboxClaim claim && claim.getSpec() != null) {
      templateMetadata(
          "spec.additionalPodMetadata", claim.getSpec().getAdditionalPodMetadata(), fields);
    }
    return fields;
  }

  /**
   * {@code wanted} with the controller's entries of {@code current} kept, and none of its own: what
   * an update of an object's labels or annotations by its owner may write.
   */
  public static Map<String, String> keepControllers(
      Map<String, String> current, Map<String, String> wanted) {
    Map<String, String> merged = new LinkedHashMap<>();
    if (wanted != null) {
      wanted.forEach(
          (key, value) -> {
            if (!AgentLabels.isControllerOwned(key)) {
              merged.put(key, value);
            }
          });
    }
    if (current != null) {
      current.forEach(
          (key, value) -> {
            if (AgentLabels.isControllerOwned(key)) {
              merged.put(key, value);
            }
          });
    }
    return merged;
  }

  private static void podMetadata(String path, PodTemplate podTemplate, List<String> fields) {
    if (podTemplate != null) {
      templateMetadata(path, podTemplate.getMetadata(), fields);
    }
  }

  private static void templateMetadata(
      String path, TemplateMetadata metadata, List<String> fields) {
    if (metadata != null) {
      keys(path + ".labels", metadata.getLabels(), fields);
      keys(path + ".annotations", metadata.getAnnotations(), fields);
    }
  }

  private static void keys(String path, Map<String, String> values, List<String> fields) {
    if (values != null) {
      for (String key : values.keySet()) {
        if (AgentLabels.isControllerOwned(key)) {
          fields.add(path + "[" + ManifestText.quote(key) + "]");
        }
      }
    }
  }
}
