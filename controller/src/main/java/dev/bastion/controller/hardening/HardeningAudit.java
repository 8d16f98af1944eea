package dev.bastion.controller.hardening;

import dev.bastion.controller.model.ManifestValidator;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxTemplate;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Optional;

/**
 * Grades SandboxTemplates and Sandboxes on the hardening they carry, the way {@code bastion audit}
 * reports it. Pure: it reads the object and nothing else.
 *
 * <p>The ways out of a sandbox weigh 15 points each (no gVisor or Kata, a privileged container,
 * host namespaces, hostPath volumes), so those three escape routes together make an F whatever else
 * is set; every other check weighs 5.
 */
public final class HardeningAudit {

  /** Every check, in the order reports list them. */
  public static final List<HardeningCheck> CHECKS =
      List.of(
          PodChecks.RUNTIME_CLASS,
          ContainerChecks.PRIVILEGED,
          PodChecks.HOST_NAMESPACES,
          PodChecks.HOST_PATH,
          ContainerChecks.RUN_AS_NON_ROOT,
          ContainerChecks.PRIVILEGE_ESCALATION,
          ContainerChecks.READ_ONLY_ROOT,
          ContainerChecks.CAPABILITIES,
          ContainerChecks.SECCOMP,
          ContainerChecks.RESOURCE_LIMITS,
          PodChecks.SERVICE_ACCOUNT_TOKEN,
          ObjectChecks.NETWORK_POLICY,
          ObjectChecks.EXPIRY);

  private HardeningAudit() {}

  /**
   * The report of a SandboxTemplate or Sandbox; empty for other kinds, which are not graded.
   *
   * @throws dev.bastion.controller.model.InvalidManifestException when the object is not valid (the
   *     checks rely on what {@link ManifestValidator} guarantees, such as a pod with containers)
   */
  public static Optional<HardeningReport> grade(HasMetadata object) {
    GradedObject graded;
    switch (object) {
      case SandboxTemplate template -> graded = new GradedObject.OfTemplate(template);
      case Sandbox sandbox -> graded = new GradedObject.OfSandbox(sandbox);
      default -> {
        return Optional.empty();
      }
    }
    ManifestValidator.check(object);
    List<HardeningReport.Result> results =
        CHECKS.stream()
            .map(check -> new HardeningReport.Result(check, check.judge(graded)))
            .toList();
    return Optional.of(
        new HardeningReport(object.getKind(), object.getMetadata().getName(), results));
  }
}
