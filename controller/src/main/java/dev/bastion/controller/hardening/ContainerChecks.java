package dev.bastion.controller.hardening;

import static dev.bastion.controller.hardening.GradedObject.POD;

import dev.bastion.controller.hardening.GradedObject.ContainerAt;
import dev.bastion.controller.model.ManifestText;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Checks of every container and init container. Where a container may inherit a setting from the
 * pod's securityContext (runAsNonRoot, seccompProfile), what it inherits counts.
 */
final class ContainerChecks {

  static final HardeningCheck PRIVILEGED =
      new HardeningCheck(
          "privileged",
          15,
          object ->
              everyContainer(
                  object,
                  "privileged",
                  SecurityContext::getPrivileged,
                  false,
                  false,
                  "the container gets every capability and the host's devices"));

  static final HardeningCheck RUN_AS_NON_ROOT =
      new HardeningCheck(
          "run-as-non-root",
          5,
          object ->
              inherited(
                  object,
                  "runAsNonRoot",
                  PodSecurityContext::getRunAsNonRoot,
                  SecurityContext::getRunAsNonRoot,
                  Boolean.TRUE::equals,
                  "the container may run as root",
                  "set it to true"));

  static final HardeningCheck PRIVILEGE_ESCALATION =
      new HardeningCheck(
          "privilege-escalation",
          5,
          object ->
              everyContainer(
                  object,
                  "allowPrivilegeEscalation",
                  SecurityContext::getAllowPrivilegeEscalation,
                  false,
                  true,
                  "setuid programs can gain privileges"));

  static final HardeningCheck READ_ONLY_ROOT =
      new HardeningCheck(
          "read-only-root",
          5,
          object ->
              everyContainer(
                  object,
                  "readOnlyRootFilesystem",
                  SecurityContext::getReadOnlyRootFilesystem,
                  true,
                  false,
                  "code can change the container's own programs"));

  static final HardeningCheck CAPABILITIES =
      new HardeningCheck("capabilities", 5, ContainerChecks::capabilities);

  // Localhost is accepted as the Pod Security Standards' "restricted" level accepts it: a profile
  // written for the node, which the audit cannot read. Unconfined and unset filter nothing.
  static final HardeningCheck SECCOMP =
      new HardeningCheck(
          "seccomp",
          5,
          object ->
              inherited(
                  object,
                  "seccompProfile.type",
                  pod -> type(pod.getSeccompProfile()),
                  container -> type(container.getSeccompProfile()),
                  Set.of("RuntimeDefault", "Localhost")::contains,
                  "system calls are not filtered",
                  "set it to RuntimeDefault"));

  static final HardeningCheck RESOURCE_LIMITS =
      new HardeningCheck("resource-limits", 5, ContainerChecks::resourceLimits);

  private static final Map<String, String> EXAMPLE_LIMITS =
      Map.of("cpu", "cpu: \"1\"", "memory", "memory: 512Mi");

  private ContainerChecks() {}

  /**
   * A boolean every container's securityContext must have as {@code wanted}.
   *
   * @param unset what Kubernetes does when the field is unset
   * @param risk what the wrong value allows
   */
  private static Verdict everyContainer(
      GradedObject object,
      String field,
      Function<SecurityContext, Boolean> read,
      boolean wanted,
      boolean unset,
      String risk) {
    List<Finding> findings = new ArrayList<>();
    for (ContainerAt container : object.containers()) {
      Boolean value = read.apply(container.securityContext());
      if ((value == null ? unset : value) != wanted) {
        findings.add(
            new Finding(
                container.path() + ".securityContext." + field,
                (value == null ? "is unset" : "is " + value) + ": " + risk,
                unset == wanted ? "remove it" : "set it to " + wanted));
      }
    }
    return Verdict.of(findings);
  }

  /**
   * A setting that each container has itself or inherits from the pod's securityContext: a
   * container's own wrong value is a finding, and so is the pod's value when some container
   * inherits it.
   */
  private static <T> Verdict inherited(
      GradedObject object,
      String field,
      Function<PodSecurityContext, T> ofPod,
      Function<SecurityContext, T> ofContainer,
      Predicate<T> good,
      String risk,
      String fix) {
    List<Finding> findings = new ArrayList<>();
    boolean anyInherits = false;
    for (ContainerAt container : object.containers()) {
      T value = ofContainer.apply(container.securityContext());
      if (value == null) {
        anyInherits = true;
      } else if (!good.test(value)) {
        findings.add(
            new Finding(
                container.path() + ".securityContext." + field,
                "is " + ManifestText.describe(value) + ": " + risk,
                fix));
      }
    }
    PodSecurityContext podContext = object.pod().getSecurityContext();
    T podValue = podContext == null ? null : ofPod.apply(podContext);
    if (anyInherits && (podValue == null || !good.test(podValue))) {
      String problem =
          podValue == null
              ? "is unset, and not every container sets it"
              : "is " + ManifestText.describe(podValue);
      findings.addFirst(new Finding(POD + ".securityContext." + field, problem + ": " + risk, fix));
    }
    return Verdict.of(findings);
  }

  private static String type(SeccompProfile profile) {
    return profile == null ? null : profile.getType();
  }

  // Dropping ALL is what a sandbox needs; anything added back is a privilege its code gets.
  private static Verdict capabilities(GradedObject object) {
    List<Finding> findings = new ArrayList<>();
    for (ContainerAt container : object.containers()) {
      String path = container.path() + ".securityContext.capabilities";
      Capabilities capabilities = container.securityContext().getCapabilities();
      List<String> drop = capabilities == null ? null : capabilities.getDrop();
      List<String> add = capabilities == null ? null : capabilities.getAdd();
      if (drop == null || !drop.contains("ALL")) {
        findings.add(
            new Finding(
                path + ".drop",
                (drop == null || drop.isEmpty() ? "is unset" : "does not name ALL")
                    + ": the container keeps the runtime's default capabilities",
                "set it to [ALL]"));
      }
      if (add != null && !add.isEmpty()) {
        findings.add(
            new Finding(
                path + ".add",
                "adds " + String.join(", ", add) + ": the container gets those privileges",
                "remove it"));
      }
    }
    return Verdict.of(findings);
  }

  private static Verdict resourceLimits(GradedObject object) {
    List<Finding> findings = new ArrayList<>();
    for (ContainerAt container : object.containers()) {
      Map<String, Quantity> limits =
          container.container().getResources() == null
              ? null
              : container.container().getResources().getLimits();
      for (String resource : List.of("cpu", "memory")) {
        if (limits == null || !limits.containsKey(resource)) {
          findings.add(
              new Finding(
                  container.path() + ".resources.limits." + resource,
                  "is unset: the container may take all of the node's " + resource,
                  "set it, e.g. " + EXAMPLE_LIMITS.get(resource)));
        }
      }
    }
    return Verdict.of(findings);
  }
}
