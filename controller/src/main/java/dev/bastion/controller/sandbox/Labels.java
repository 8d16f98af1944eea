package dev.bastion.controller.sandbox;

import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.KubernetesNames;
import java.util.Map;

/** Kubernetes label syntax, so labels set here are valid on a cluster too. */
public final class Labels {

  static final int MAX_LABELS = 64;

  private Labels() {}

  /** {@code [prefix/]name}: prefix a DNS subdomain of at most 253 characters, name at most 63. */
  public static boolean isValidKey(String key) {
    return KubernetesNames.isQualifiedName(key);
  }

  /** Empty, or at most 63 characters of the name alphabet. */
  public static boolean isValidValue(String value) {
    return KubernetesNames.isLabelValue(value);
  }

  /** Checks every label; the error names the first bad one. */
  public static void validate(Map<String, String> labels) {
    if (labels.size() > MAX_LABELS) {
      throw SandboxError.invalid("at most " + MAX_LABELS + " labels are allowed");
    }
    labels.forEach(
        (key, value) -> {
          if (!isValidKey(key)) {
            throw SandboxError.invalid(
                "invalid label key '"
                    + abbreviate(key)
                    + "': use [prefix/]name, name ≤ 63 characters of [A-Za-z0-9-_.]");
          }
          if (isInternal(key)) {
            throw SandboxError.invalid(
                "label '"
                    + key
                    + "' uses a prefix reserved for the system (agents.x-k8s.io/, bastion.dev/)");
          }
          if (!isValidValue(value)) {
            throw SandboxError.invalid(
                "invalid value for label '" + key + "': at most 63 characters of [A-Za-z0-9-_.]");
          }
        });
  }

  /** Whether {@code key} is one the system sets (tenant, pool membership, claims). */
  public static boolean isInternal(String key) {
    return AgentLabels.isControllerOwned(key);
  }

  static String abbreviate(String text) {
    return text.length() <= 64 ? text : text.substring(0, 61) + "...";
  }
}
