package dev.bastion.controller.embedded;

import dev.bastion.controller.runtime.SandboxPaths;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.Set;

/**
 * Pod and container security contexts against what every sandbox already is: uid and gid {@value
 * SandboxPaths#SANDBOX_UID}, no capabilities, no privilege escalation, a read-only root. Settings
 * that say the same are accepted; settings that ask for more or for something else are rejected.
 */
final class LocalSecurityContext {

  private static final String NO_LSM =
      "the runtime is the security boundary; no host security module profiles apply";
  private static final String LINUX = "sandboxes run Linux";

  private static final Set<String> POD_ACCEPTED =
      Set.of("runAsNonRoot", "runAsUser", "runAsGroup", "seccompProfile");
  private static final FieldReasons POD_REASONS =
      new FieldReasons()
          .because(
              "sandboxes run as the fixed uid and gid "
                  + SandboxPaths.SANDBOX_UID
                  + " with no extra groups",
              "fsGroup",
              "fsGroupChangePolicy",
              "supplementalGroups",
              "supplementalGroupsPolicy")
          .because("the sandbox kernel's settings are fixed", "sysctls")
          .because(NO_LSM, "seLinuxOptions", "seLinuxChangePolicy", "appArmorProfile")
          .because(LINUX, "windowsOptions");

  private static final Set<String> CONTAINER_ACCEPTED =
      Set.of(
          "allowPrivilegeEscalation",
          "readOnlyRootFilesystem",
          "runAsNonRoot",
          "runAsUser",
          "runAsGroup",
          "capabilities",
          "privileged",
          "seccompProfile");
  private static final FieldReasons CONTAINER_REASONS =
      new FieldReasons()
          .because("/proc is the sandbox's own", "procMount")
          .because(NO_LSM, "seLinuxOptions", "appArmorProfile")
          .because(LINUX, "windowsOptions");

  private LocalSecurityContext() {}

  static void checkPod(String path, PodSecurityContext context, FieldProblems problems) {
    if (context == null) {
      return;
    }
    problems.rejectOthers(
        path, context, context.getAdditionalProperties(), POD_ACCEPTED, POD_REASONS);
    identity(
        path, context.getRunAsNonRoot(), context.getRunAsUser(), context.getRunAsGroup(), problems);
    seccomp(path + ".seccompProfile", context.getSeccompProfile(), problems);
  }

  static void checkContainer(String path, SecurityContext context, FieldProblems problems) {
    if (context == null) {
      return;
    }
    problems.rejectOthers(
        path, context, context.getAdditionalProperties(), CONTAINER_ACCEPTED, CONTAINER_REASONS);
    identity(
        path, context.getRunAsNonRoot(), context.getRunAsUser(), context.getRunAsGroup(), problems);
    seccomp(path + ".seccompProfile", context.getSeccompProfile(), problems);
    if (Boolean.TRUE.equals(context.getAllowPrivilegeEscalation())) {
      problems.add(
          path + ".allowPrivilegeEscalation",
          "must be false or unset: sandboxes can never gain privileges");
    }
    if (Boolean.FALSE.equals(context.getReadOnlyRootFilesystem())) {
      problems.add(
          path + ".readOnlyRootFilesystem",
          "must be true or unset: the root filesystem is always read-only; write to "
              + SandboxPaths.WORKSPACE
              + " or /tmp");
    }
    if (Boolean.TRUE.equals(context.getPrivileged())) {
      problems.add(path + ".privileged", "must be false or unset: sandboxes are never privileged");
    }
    capabilities(path + ".capabilities", context.getCapabilities(), problems);
  }

  private static void identity(
      String path, Boolean runAsNonRoot, Long runAsUser, Long runAsGroup, FieldProblems problems) {
    if (Boolean.FALSE.equals(runAsNonRoot)) {
      problems.add(
          path + ".runAsNonRoot", "must be true or unset: sandboxes always run as a non-root user");
    }
    if (runAsUser != null && runAsUser != SandboxPaths.SANDBOX_UID) {
      problems.add(
          path + ".runAsUser",
          "must be "
              + SandboxPaths.SANDBOX_UID
              + " or unset, got "
              + runAsUser
              + ": sandboxes run as the fixed uid "
              + SandboxPaths.SANDBOX_UID
              + ", which owns "
              + SandboxPaths.WORKSPACE);
    }
    if (runAsGroup != null && runAsGroup != SandboxPaths.SANDBOX_GID) {
      problems.add(
          path + ".runAsGroup",
          "must be "
              + SandboxPaths.SANDBOX_GID
              + " or unset, got "
              + runAsGroup
              + ": sandboxes run as the fixed gid "
              + SandboxPaths.SANDBOX_GID);
    }
  }

  private static void seccomp(String path, SeccompProfile profile, FieldProblems problems) {
    if (profile == null) {
      return;
    }
    problems.rejectOthers(
        path,
        profile,
        profile.getAdditionalProperties(),
        Set.of("type"),
        new FieldReasons()
            .because("custom seccomp profiles do not exist here", "localhostProfile"));
    if (profile.getType() != null && !profile.getType().equals("RuntimeDefault")) {
      problems.add(
          path + ".type",
          "must be RuntimeDefault or unset: the runtime's own syscall filtering always applies"
              + " (gVisor serves every syscall itself)");
    }
  }

  // Dropping is accepted whatever it names: a sandbox has no capabilities to begin with.
  private static void capabilities(String path, Capabilities capabilities, FieldProblems problems) {
    if (capabilities == null) {
      return;
    }
    problems.rejectOthers(
        path,
        capabilities,
        capabilities.getAdditionalProperties(),
        Set.of("drop"),
        new FieldReasons().because("sandboxes get no capabilities", "add"));
  }
}
