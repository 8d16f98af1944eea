package dev.bastion.controller.embedded;

import dev.bastion.controller.model.ManifestText;
import dev.bastion.controller.model.TemplateMetadata;
import dev.bastion.controller.model.VolumeClaimTemplate;
import dev.bastion.controller.runtime.SandboxPaths;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeResourceRequirements;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The volume claim template of a sandbox, which embedded mode maps onto the sandbox's persistent
 * {@value SandboxPaths#WORKSPACE}: a file system of its own on this machine, so nothing of a
 * PersistentVolumeClaim applies except its requested size, which is the workspace's hard quota.
 *
 * @param names the template names a pod volume or volume mount may refer to
 * @param bytes the workspace's size: the size requested, or {@link #DEFAULT_BYTES}
 */
record LocalWorkspace(Set<String> names, long bytes) {

  /** A workspace's size when the template requests none. */
  static final long DEFAULT_BYTES = 1L << 30;

  // An ext4 file system needs a few MiB of its own; the upper bound keeps a typo (Ti for Gi) from
  // promising more than a machine's disk.
  static final long MIN_BYTES = 16L << 20;
  static final long MAX_BYTES = 1L << 40;

  private static final String PATH = "spec.volumeClaimTemplates";
  private static final String HOST_DIRECTORY =
      "the workspace is a file system on this machine, not a PersistentVolumeClaim";
  private static final Set<String> SPEC_ACCEPTED = Set.of("accessModes", "resources", "volumeMode");
  private static final FieldReasons SPEC_REASONS =
      new FieldReasons()
          .because(
              "no storage classes or persistent volumes on one machine",
              "storageClassName",
              "selector",
              "volumeName",
              "dataSource",
              "dataSourceRef",
              "volumeAttributesClassName");

  /** Whether {@code volume} names a volume claim template. */
  boolean isClaimTemplate(String volume) {
    return names.contains(volume);
  }

  static LocalWorkspace of(List<VolumeClaimTemplate> templates, FieldProblems problems) {
    if (templates == null || templates.isEmpty()) {
      return new LocalWorkspace(Set.of(), DEFAULT_BYTES);
    }
    if (templates.size() > 1) {
      problems.add(
          PATH,
          "at most one is allowed in embedded mode, got "
              + templates.size()
              + ": a sandbox has one persistent directory, "
              + SandboxPaths.WORKSPACE);
    }
    Set<String> names = new HashSet<>();
    long bytes = 0;
    for (int i = 0; i < templates.size(); i++) {
      String path = ManifestText.index(PATH, i);
      TemplateMetadata metadata = templates.get(i).getMetadata();
      if (metadata != null) {
        if (metadata.getName() != null) {
          names.add(metadata.getName());
        }
        rejectIfSet(path + ".metadata.labels", metadata.getLabels(), problems);
        rejectIfSet(path + ".metadata.annotations", metadata.getAnnotations(), problems);
      }
      bytes = Math.max(bytes, size(path + ".spec", templates.get(i).getSpec(), problems));
    }
    return new LocalWorkspace(Set.copyOf(names), bytes == 0 ? DEFAULT_BYTES : bytes);
  }

  private static void rejectIfSet(String path, Map<String, String> map, FieldProblems problems) {
    if (map != null && !map.isEmpty()) {
      problems.cannotApply(path, HOST_DIRECTORY);
    }
  }

  private static long size(String path, PersistentVolumeClaimSpec spec, FieldProblems problems) {
    if (spec == null) {
      return 0;
    }
    problems.rejectOthers(path, spec, spec.getAdditionalProperties(), SPEC_ACCEPTED, SPEC_REASONS);
    List<String> accessModes = spec.getAccessModes() == null ? List.of() : spec.getAccessModes();
    for (int i = 0; i < accessModes.size(); i++) {
      if (!"ReadWriteOnce".equals(accessModes.get(i))) {
        problems.add(
            ManifestText.index(path + ".accessModes", i),
            "must be ReadWriteOnce: the workspace belongs to one sandbox");
      }
    }
    if (spec.getVolumeMode() != null && !spec.getVolumeMode().equals("Filesystem")) {
      problems.add(
          path + ".volumeMode", "must be Filesystem or unset: the workspace is a directory");
    }
    return requestedBytes(path + ".resources", spec.getResources(), problems);
  }

  private static long requestedBytes(
      String path, VolumeResourceRequirements resources, FieldProblems problems) {
    if (resources == null) {
      return 0;
    }
    problems.rejectOthers(
        path,
        resources,
        resources.getAdditionalProperties(),
        Set.of("requests"),
        new FieldReasons().because("only requests.storage sizes the workspace", "limits"));
    Map<String, Quantity> requests =
        resources.getRequests() == null ? Map.of() : resources.getRequests();
    requests.keySet().stream()
        .filter(name -> !name.equals("storage"))
        .forEach(
            name ->
                problems.cannotApply(
                    ManifestText.path(path + ".requests", name),
                    "only storage is requested for the workspace"));
    String field = path + ".requests.storage";
    BigDecimal amount = LocalResources.amount(field, requests.get("storage"), problems);
    if (amount == null) {
      return 0;
    }
    if (amount.compareTo(BigDecimal.valueOf(MIN_BYTES)) < 0
        || amount.compareTo(BigDecimal.valueOf(MAX_BYTES)) > 0) {
      problems.add(
          field,
          "must be between 16Mi and 1Ti: the workspace is a file system of that size, got "
              + requests.get("storage"));
      return 0;
    }
    return amount.setScale(0, RoundingMode.CEILING).longValueExact();
  }
}
