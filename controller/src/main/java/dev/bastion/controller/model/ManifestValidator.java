package dev.bastion.controller.model;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules every Agent Sandbox object obeys whatever runs it (embedded or on Kubernetes): names,
 * labels, required fields, ranges and formats. What a particular backend cannot apply is checked
 * where that backend maps the object.
 */
public final class ManifestValidator {

  /** Members a warm pool may ask for at most. */
  public static final int MAX_REPLICAS = 1000;

  /** Environment variables a claim may add at most. */
  public static final int MAX_ENV = 100;

  static final int MAX_ENV_NAME = 256;
  static final int MAX_ENV_VALUE_BYTES = 32 * 1024;

  // Go's time.RFC3339, which the Kubernetes API uses: seconds and an offset are required.
  private static final Pattern RFC_3339 =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final List<String> problems = new ArrayList<>();

  private ManifestValidator() {}

  /** Every problem of {@code object}, one line each naming the field; empty when it is valid. */
  public static List<String> validate(HasMetadata object) {
    ManifestValidator validator = new ManifestValidator();
    validator.metadata(object.getMetadata());
    switch (object) {
      case Sandbox sandbox -> validator.sandbox(sandbox.getSpec());
      case SandboxTemplate template -> validator.template(template.getSpec());
      case SandboxWarmPool pool -> validator.warmPool(pool.getSpec());
      case SandboxClaim claim -> validator.claim(claim.getSpec());
      case ToolPolicy policy -> validator.toolPolicy(policy.getSpec());
      default -> {}
    }
    return List.copyOf(validator.problems);
  }

  /**
   * Throws when {@code object} is not valid.
   *
   * @throws InvalidManifestException with every problem, prefixed by {@code <Kind> "<name>"}
   */
  public static void check(HasMetadata object) {
    List<String> problems = validate(object);
    if (!problems.isEmpty()) {
      String name = object.getMetadata() == null ? null : object.getMetadata().getName();
      throw new InvalidManifestException(
          object.getKind() + (name == null ? " (unnamed)" : " " + ManifestText.quote(name)),
          problems);
    }
  }

  private void metadata(ObjectMeta metadata) {
    if (metadata == null) {
      problem("metadata.name", "required");
      return;
    }
    name("metadata.name", metadata.getName());
    if (metadata.getNamespace() != null && !KubernetesNames.isDnsLabel(metadata.getNamespace())) {
      problem(
          "metadata.namespace",
          ManifestText.quote(metadata.getNamespace())
              + " is not a valid namespace: "
              + KubernetesNames.DNS_LABEL_RULE);
    }
    labels("metadata.labels", metadata.getLabels());
    annotations("metadata.annotations", metadata.getAnnotations());
    // ObjectMeta keeps fields it does not know instead of failing; a misspelt "lables" would
    // otherwise vanish without a word.
    metadata
        .getAdditionalProperties()
        .keySet()
        .forEach(field -> problem(ManifestText.path("metadata", field), "unknown field"));
  }

  private void sandbox(SandboxSpec spec) {
    if (spec == null) {
      problem("spec", "required");
      return;
    }
    podTemplate(spec.getPodTemplate());
    volumeClaimTemplates("spec.volumeClaimTemplates", spec.getVolumeClaimTemplates());
    time("spec.shutdownTime", spec.getShutdownTime());
  }

  private void template(SandboxTemplateSpec spec) {
    if (spec == null) {
      problem("spec", "required");
      return;
    }
    podTemplate(spec.getPodTemplate());
    volumeClaimTemplates("spec.volumeClaimTemplates", spec.getVolumeClaimTemplates());
  }

  private void warmPool(SandboxWarmPoolSpec spec) {
    if (spec == null) {
      problem("spec", "required");
      return;
    }
    reference("spec.sandboxTemplateRef", spec.getSandboxTemplateRef());
    Integer replicas = spec.getReplicas();
    if (replicas != null && (replicas < 0 || replicas > MAX_REPLICAS)) {
      problem("spec.replicas", "must be between 0 and " + MAX_REPLICAS + ", got " + replicas);
    }
  }

  private void claim(SandboxClaimSpec spec) {
    if (spec == null) {
      problem("spec", "required");
      return;
    }
    reference("spec.warmPoolRef", spec.getWarmPoolRef());
    ClaimLifecycle lifecycle = spec.getLifecycle();
    if (lifecycle != null) {
      time("spec.lifecycle.shutdownTime", lifecycle.getShutdownTime());
      Long ttl = lifecycle.getTtlSecondsAfterFinished();
      if (ttl != null && ttl < 0) {
        problem("spec.lifecycle.ttlSecondsAfterFinished", "must not be negative, got " + ttl);
      }
    }
    templateMetadata("spec.additionalPodMetadata", spec.getAdditionalPodMetadata());
    env(spec.getEnv());
    volumeClaimTemplates("spec.volumeClaimTemplates", spec.getVolumeClaimTemplates());
  }

  private void toolPolicy(ToolPolicySpec spec) {
    if (spec == null) {
      problem("spec", "required");
      return;
    }
    if (spec.getSelector() != null) {
      labels("spec.selector.matchLabels", spec.getSelector().getMatchLabels());
    }
    problems.addAll(ToolPolicyChecks.problems(spec));
  }

  private void podTemplate(PodTemplate podTemplate) {
    if (podTemplate == null) {
      problem("spec.podTemplate", "required");
      return;
    }
    templateMetadata("spec.podTemplate.metadata", podTemplate.getMetadata());
    if (podTemplate.getSpec() == null) {
      problem("spec.podTemplate.spec", "required");
      return;
    }
    List<Container> containers = podTemplate.getSpec().getContainers();
    if (containers == null || containers.isEmpty()) {
      problem("spec.podTemplate.spec.containers", "at least one container is required");
      return;
    }
    for (int i = 0; i < containers.size(); i++) {
      String path = ManifestText.index("spec.podTemplate.spec.containers", i);
      name(path + ".name", containers.get(i).getName());
      if (isBlank(containers.get(i).getImage())) {
        problem(path + ".image", "required");
      }
    }
  }

  // Pod metadata in a template: the pod is named after its Sandbox, so only labels and
  // annotations mean something there.
  private void templateMetadata(String path, TemplateMetadata metadata) {
    if (metadata == null) {
      return;
    }
    if (metadata.getName() != null) {
      problem(path + ".name", "not allowed: the pod is named after its Sandbox");
    }
    labels(path + ".labels", metadata.getLabels());
    annotations(path + ".annotations", metadata.getAnnotations());
  }

  private void volumeClaimTemplates(String path, List<VolumeClaimTemplate> templates) {
    if (templates == null) {
      return;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < templates.size(); i++) {
      String namePath = ManifestText.index(path, i) + ".metadata.name";
      TemplateMetadata metadata = templates.get(i).getMetadata();
      String name = metadata == null ? null : metadata.getName();
      if (isBlank(name)) {
        problem(namePath, "required");
      } else if (!KubernetesNames.isDnsLabel(name)) {
        problem(
            namePath,
            ManifestText.quote(name) + " is not a valid name: " + KubernetesNames.DNS_LABEL_RULE);
      } else if (!names.add(name)) {
        problem(namePath, ManifestText.quote(name) + " is declared twice");
      }
      if (metadata != null) {
        labels(ManifestText.index(path, i) + ".metadata.labels", metadata.getLabels());
        annotations(
            ManifestText.index(path, i) + ".metadata.annotations", metadata.getAnnotations());
      }
    }
  }

  private void env(List<ClaimEnvVar> env) {
    if (env == null) {
      return;
    }
    if (env.size() > MAX_ENV) {
      problem("spec.env", "at most " + MAX_ENV + " variables are allowed, got " + env.size());
    }
    for (int i = 0; i < env.size(); i++) {
      String path = ManifestText.index("spec.env", i);
      ClaimEnvVar variable = env.get(i);
      String name = variable.getName();
      if (isBlank(name)) {
        problem(path + ".name", "required");
      } else if (name.length() > MAX_ENV_NAME || !ENV_NAME.matcher(name).matches()) {
        problem(
            path + ".name",
            ManifestText.quote(name)
                + " is not a valid variable name: use at most "
                + MAX_ENV_NAME
                + " letters, digits and '_', not starting with a digit");
      }
      String value = variable.getValue();
      if (value != null && value.getBytes(StandardCharsets.UTF_8).length > MAX_ENV_VALUE_BYTES) {
        problem(path + ".value", "at most 32KiB is allowed");
      }
      if (variable.getContainerName() != null) {
        name(path + ".containerName", variable.getContainerName());
      }
    }
  }

  private void reference(String path, LocalObjectReference reference) {
    name(path + ".name", reference == null ? null : reference.getName());
  }

  private void name(String path, String name) {
    if (isBlank(name)) {
      problem(path, "required");
    } else if (!KubernetesNames.isDnsLabel(name)) {
      problem(
          path,
          ManifestText.quote(name) + " is not a valid name: " + KubernetesNames.DNS_LABEL_RULE);
    }
  }

  private void labels(String path, Map<String, String> labels) {
    if (labels == null) {
      return;
    }
    labels.forEach(
        (key, value) -> {
          String field = ManifestText.path(path, key);
          if (!KubernetesNames.isQualifiedName(key)) {
            problem(field, "invalid key: " + KubernetesNames.KEY_RULE);
          }
          if (value != null && !KubernetesNames.isLabelValue(value)) {
            problem(
                field,
                "invalid value " + ManifestText.quote(value) + ": " + KubernetesNames.VALUE_RULE);
          }
        });
  }

  private void annotations(String path, Map<String, String> annotations) {
    if (annotations == null) {
      return;
    }
    annotations.keySet().stream()
        .filter(key -> !KubernetesNames.isQualifiedName(key))
        .forEach(
            key ->
                problem(ManifestText.path(path, key), "invalid key: " + KubernetesNames.KEY_RULE));
  }

  private void time(String path, String time) {
    if (time == null) {
      return;
    }
    if (RFC_3339.matcher(time).matches()) {
      try {
        OffsetDateTime.parse(time);
        return;
      } catch (DateTimeParseException e) {
        // Well formed but not a date, such as February 30: reported below.
      }
    }
    problem(
        path,
        ManifestText.quote(time) + " is not an RFC 3339 time such as \"2030-01-01T00:00:00Z\"");
  }

  private void problem(String path, String message) {
    problems.add(path + ": " + message);
  }

  private static boolean isBlank(String text) {
    return text == null || text.isBlank();
  }
}
