package dev.bastion.controller.embedded;

import dev.bastion.controller.model.InvalidManifestException;
import dev.bastion.controller.model.ManifestText;
import dev.bastion.controller.model.PodShape;
import dev.bastion.controller.model.PodTemplate;
import dev.bastion.controller.model.VolumeClaimTemplate;
import dev.bastion.controller.runtime.RuntimeKind;
import dev.bastion.controller.runtime.SandboxPaths;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.List;
import java.util.Set;

/**
 * Maps a Sandbox's (or SandboxTemplate's) pod template onto the embedded runtime: one machine, one
 * OCI container per sandbox run by gVisor (or crun), sandboxd as its entry process, no network.
 *
 * <p>Every field is checked against what embedded mode can honour, and each one it cannot is
 * rejected with the field's path and the reason; nothing set is ignored. What maps:
 *
 * <ul>
 *   <li>{@code runtimeClassName}: the runtime this server runs ({@code gvisor} or {@code crun});
 *       unset means the same;
 *   <li>exactly one container, whose image is {@code bastion/python} (any tag or digest: the
 *       built-in Debian root filesystem with python3) or any image a registry serves, pulled as its
 *       {@code imagePullPolicy} says (see {@link dev.bastion.controller.image.ImageStore});
 *   <li>{@code resources.limits} {@code memory}, {@code cpu} and {@code ephemeral-storage}: the
 *       memory limit, CPU quota and /tmp size. {@code resources.requests} are checked, not
 *       reserved: they may not exceed the limit (given or default) but have no effect of their own,
 *       as one machine has no scheduler;
 *   <li>{@code env} name/value pairs: the environment of the sandbox's processes;
 *   <li>at most one volume claim template, mounted at {@value SandboxPaths#WORKSPACE}: the
 *       sandbox's persistent directory. Its {@code resources.requests.storage} (16Mi to 1Ti,
 *       default 1Gi) is the size of the workspace's own file system, a hard quota;
 *   <li>security settings that state what every sandbox already is (non-root uid {@value
 *       SandboxPaths#SANDBOX_UID}, no privileges or capabilities, read-only root, the runtime's
 *       syscall filtering) are accepted; any other value is rejected.
 * </ul>
 *
 * <p>The template's labels and annotations are not this class's concern: they become the sandbox's
 * labels.
 */
public final class LocalPodTemplate {

  private static final String SPEC = "spec.podTemplate.spec";

  private static final Set<String> ACCEPTED =
      Set.of(
          "containers",
          "runtimeClassName",
          "automountServiceAccountToken",
          "securityContext",
          "restartPolicy",
          "volumes");
  private static final FieldReasons REASONS =
      new FieldReasons()
          .because(
              "one machine, no scheduler",
              "nodeSelector",
              "nodeName",
              "affinity",
              "tolerations",
              "schedulerName",
              "priorityClassName",
              "priority",
              "preemptionPolicy",
              "topologySpreadConstraints",
              "schedulingGates",
              "schedulingGroup",
              "overhead",
              "evictionResponders")
          .because(
              "a sandbox never shares the host's namespaces",
              "hostNetwork",
              "hostPID",
              "hostIPC",
              "hostUsers",
              "shareProcessNamespace")
          .because(
              "sandboxes have no network",
              "dnsPolicy",
              "dnsConfig",
              "hostAliases",
              "hostname",
              "hostnameOverride",
              "subdomain",
              "setHostnameAsFQDN",
              "enableServiceLinks")
          .because(
              "no service accounts exist on one machine", "serviceAccountName", "serviceAccount")
          .because(
              "registry credentials are the server's (an auth file skopeo reads, or"
                  + " --registry-auth-file)",
              "imagePullSecrets")
          .because(
              "a sandbox runs one container, with sandboxd as its entry process",
              "initContainers",
              "ephemeralContainers")
          .because("a sandbox is stopped at once", "terminationGracePeriodSeconds")
          .because("use shutdownTime", "activeDeadlineSeconds")
          .because("readiness is sandboxd answering on its socket", "readinessGates")
          .because("set resources on the container", "resources")
          .because("no devices or resource claims on one machine", "resourceClaims")
          .because("sandboxes run Linux", "os");

  private LocalPodTemplate() {}

  /** What a Sandbox's or template's pod means on this machine; see the other {@code map}. */
  public static LocalSandboxSpec map(PodShape shape, RuntimeKind serverRuntime, int hostCores) {
    return map(
        shape.getPodTemplate(),
        shape.getVolumeClaimTemplates(),
        shape.getService(),
        serverRuntime,
        hostCores);
  }

  /**
   * What {@code podTemplate} and its Sandbox's other fields mean on this machine.
   *
   * @param volumeClaimTemplates the Sandbox's (or template's) volume claim templates, or null
   * @param service the Sandbox's {@code spec.service}, or null
   * @param serverRuntime the runtime this server runs sandboxes with
   * @param hostCores cores of this machine, the most CPU a sandbox may be given
   * @throws InvalidManifestException listing every field that cannot apply, each with its path
   */
  public static LocalSandboxSpec map(
      PodTemplate podTemplate,
      List<VolumeClaimTemplate> volumeClaimTemplates,
      Boolean service,
      RuntimeKind serverRuntime,
      int hostCores) {
    FieldProblems problems = new FieldProblems();
    if (Boolean.TRUE.equals(service)) {
      problems.add(
          "spec.service",
          "embedded mode has no cluster DNS; reach the sandbox through the gateway by its name");
    }
    LocalWorkspace workspace = LocalWorkspace.of(volumeClaimTemplates, problems);
    PodSpec spec = podTemplate == null ? null : podTemplate.getSpec();
    if (spec == null) {
      problems.add(SPEC, "required");
      throw problems.failure();
    }
    problems.rejectOthers(SPEC, spec, spec.getAdditionalProperties(), ACCEPTED, REASONS);
    checkRuntime(spec.getRuntimeClassName(), serverRuntime, problems);
    if (Boolean.TRUE.equals(spec.getAutomountServiceAccountToken())) {
      problems.add(
          SPEC + ".automountServiceAccountToken",
          "must be false or unset: no service account exists in embedded mode");
    }
    if (spec.getRestartPolicy() != null && !spec.getRestartPolicy().equals("Never")) {
      problems.add(
          SPEC + ".restartPolicy",
          "must be Never or unset: a sandbox whose entry process ends is finished, not restarted");
    }
    LocalSecurityContext.checkPod(SPEC + ".securityContext", spec.getSecurityContext(), problems);
    volumes(spec.getVolumes(), workspace, problems);
    LocalContainer container = container(spec.getContainers(), workspace, hostCores, problems);
    problems.throwIfAny();
    return new LocalSandboxSpec(
        serverRuntime, container.image(), container.limits(), container.env(), workspace.bytes());
  }

  // Only the runtime this server was started with is installed and set up.
  private static void checkRuntime(String asked, RuntimeKind server, FieldProblems problems) {
    if (asked != null && !asked.equals(server.id())) {
      problems.add(
          SPEC + ".runtimeClassName",
          ManifestText.quote(asked)
              + " is not available in embedded mode: this server runs "
              + server.id());
    }
  }

  // A pod volume named like a volume claim template is replaced by it (StatefulSet-style), so its
  // own source never applies; any other volume has nothing to become on one machine.
  private static void volumes(
      List<Volume> volumes, LocalWorkspace workspace, FieldProblems problems) {
    if (volumes == null) {
      return;
    }
    for (int i = 0; i < volumes.size(); i++) {
      String name = volumes.get(i).getName();
      if (name == null || !workspace.isClaimTemplate(name)) {
        problems.cannotApply(
            ManifestText.index(SPEC + ".volumes", i),
            "the only volume is the workspace, and "
                + (name == null ? "an unnamed volume" : ManifestText.quote(name))
                + " is not a volume claim template");
      }
    }
  }

  private static LocalContainer container(
      List<Container> containers, LocalWorkspace workspace, int hostCores, FieldProblems problems) {
    int count = containers == null ? 0 : containers.size();
    if (count != 1) {
      problems.add(
          SPEC + ".containers",
          "embedded mode runs exactly one container per sandbox, got " + count);
      throw problems.failure();
    }
    return LocalContainer.map(
        ManifestText.index(SPEC + ".containers", 0),
        containers.get(0),
        workspace,
        hostCores,
        problems);
  }
}
