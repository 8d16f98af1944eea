package dev.bastion.controller.embedded;

import dev.bastion.controller.image.ImageReference;
import dev.bastion.controller.image.PullPolicy;
import dev.bastion.controller.model.ManifestText;
import dev.bastion.controller.runtime.SandboxLimits;
import dev.bastion.controller.runtime.SandboxPaths;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one container of a pod template as the sandbox it becomes: its image is the built-in root
 * filesystem or any image a registry serves, its resources become cgroup limits, its env the
 * processes' environment. sandboxd is always the entry process, so anything about starting, probing
 * or serving is refused.
 *
 * @param image the image and when to pull it
 * @param limits the cgroup limits
 * @param env the environment, in the template's order
 */
record LocalContainer(ImageChoice image, SandboxLimits limits, Map<String, String> env) {

  /** The image name of the built-in Debian root filesystem with python3. */
  static final String IMAGE = "bastion/python";

  // Any tag or digest names the one built-in root filesystem: locally there are no versions.
  private static final Pattern BUILT_IN_IMAGE =
      Pattern.compile(
          Pattern.quote(IMAGE)
              + "(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@[a-z0-9]+([+._-][a-z0-9]+)*:[A-Fa-f0-9]{32,})?");

  private static final String ENTRY_PROCESS =
      "sandboxd is the entry process; run programs with Exec/Run";
  private static final String NO_SECRETS = "no secrets or config maps on one machine";

  private static final Set<String> ACCEPTED =
      Set.of(
          "name",
          "image",
          "imagePullPolicy",
          "resources",
          "env",
          "securityContext",
          "volumeMounts",
          "workingDir");
  private static final FieldReasons REASONS =
      new FieldReasons()
          .because(ENTRY_PROCESS, "command", "args", "lifecycle")
          .because("sandboxes have no network; reach them through the gateway", "ports")
          .because(
              "readiness is sandboxd answering on its socket",
              "livenessProbe",
              "readinessProbe",
              "startupProbe")
          .because(NO_SECRETS, "envFrom")
          .because(
              "open a terminal with Exec or the WebSocket terminal", "stdin", "stdinOnce", "tty")
          .because(
              "sandboxd reports how processes end",
              "terminationMessagePath",
              "terminationMessagePolicy")
          .because("no block devices on one machine", "volumeDevices")
          .because(
              "a sandbox's container is neither resized nor restarted",
              "resizePolicy",
              "restartPolicy",
              "restartPolicyRules");

  static LocalContainer map(
      String path,
      Container container,
      LocalWorkspace workspace,
      int hostCores,
      FieldProblems problems) {
    problems.rejectOthers(path, container, container.getAdditionalProperties(), ACCEPTED, REASONS);
    ImageChoice image = image(path, container, problems);
    if (container.getWorkingDir() != null
        && !container.getWorkingDir().equals(SandboxPaths.WORKSPACE)) {
      problems.add(
          path + ".workingDir",
          "must be " + SandboxPaths.WORKSPACE + " or unset: processes start in the workspace");
    }
    LocalSecurityContext.checkContainer(
        path + ".securityContext", container.getSecurityContext(), problems);
    volumeMounts(path + ".volumeMounts", container.getVolumeMounts(), workspace, problems);
    SandboxLimits limits =
        LocalResources.limits(path + ".resources", container.getResources(), hostCores, problems);
    return new LocalContainer(image, limits, env(path + ".env", container.getEnv(), problems));
  }

  private static ImageChoice image(String path, Container container, FieldProblems problems) {
    String image = container.getImage();
    String policyName = container.getImagePullPolicy();
    Optional<PullPolicy> policy = Optional.empty();
    if (policyName != null) {
      policy = PullPolicy.named(policyName);
      if (policy.isEmpty()) {
        problems.add(
            path + ".imagePullPolicy",
            ManifestText.quote(policyName) + " is not Always, IfNotPresent or Never");
      }
    }
    if (image == null) {
      problems.add(path + ".image", "required");
      return ImageChoice.builtIn();
    }
    if (BUILT_IN_IMAGE.matcher(image).matches()) {
      return ImageChoice.builtIn();
    }
    try {
      ImageReference reference = ImageReference.parse(image);
      return new ImageChoice(Optional.of(reference), policy.orElse(reference.defaultPullPolicy()));
    } catch (IllegalArgumentException e) {
      problems.add(path + ".image", ManifestText.quote(image) + " " + e.getMessage());
      return ImageChoice.builtIn();
    }
  }

  private static Map<String, String> env(String path, List<EnvVar> env, FieldProblems problems) {
    Map<String, String> variables = new LinkedHashMap<>();
    if (env == null) {
      return variables;
    }
    for (int i = 0; i < env.size(); i++) {
      EnvVar variable = env.get(i);
      String entry = ManifestText.index(path, i);
      problems.rejectOthers(
          entry,
          variable,
          variable.getAdditionalProperties(),
          Set.of("name", "value"),
          new FieldReasons().because(NO_SECRETS, "valueFrom"));
      if (variable.getName() == null) {
        problems.add(entry + ".name", "required");
      } else {
        // As on Kubernetes: no value is the empty string, and a later entry wins.
        variables.put(variable.getName(), variable.getValue() == null ? "" : variable.getValue());
      }
    }
    return variables;
  }

  private static void volumeMounts(
      String path, List<VolumeMount> mounts, LocalWorkspace workspace, FieldProblems problems) {
    if (mounts == null) {
      return;
    }
    for (int i = 0; i < mounts.size(); i++) {
      VolumeMount mount = mounts.get(i);
      String entry = ManifestText.index(path, i);
      problems.rejectOthers(
          entry,
          mount,
          mount.getAdditionalProperties(),
          Set.of("name", "mountPath", "readOnly"),
          new FieldReasons()
              .because(
                  "the workspace is mounted read-write as a whole",
                  "subPath",
                  "subPathExpr",
                  "mountPropagation",
                  "recursiveReadOnly"));
      if (Boolean.TRUE.equals(mount.getReadOnly())) {
        problems.cannotApply(entry + ".readOnly", "the workspace is mounted read-write as a whole");
      }
      if (mount.getName() == null) {
        problems.add(entry + ".name", "required");
      } else if (!workspace.isClaimTemplate(mount.getName())) {
        problems.add(
            entry + ".name",
            ManifestText.quote(mount.getName())
                + " is not a volume claim template: in embedded mode the only volume is the"
                + " workspace, declared in spec.volumeClaimTemplates");
      }
      if (!SandboxPaths.WORKSPACE.equals(mount.getMountPath())) {
        problems.add(
            entry + ".mountPath",
            "must be "
                + SandboxPaths.WORKSPACE
                + ": the workspace is the sandbox's one persistent directory");
      }
    }
  }
}
