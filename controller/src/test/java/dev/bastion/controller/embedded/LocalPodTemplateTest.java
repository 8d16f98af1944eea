package dev.bastion.controller.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.controller.image.ImageReference;
import dev.bastion.controller.image.PullPolicy;
import dev.bastion.controller.model.InvalidManifestException;
import dev.bastion.controller.model.Manifests;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxSpec;
import dev.bastion.controller.model.SandboxTemplate;
import dev.bastion.controller.model.SandboxTemplateSpec;
import dev.bastion.controller.runtime.RuntimeKind;
import dev.bastion.controller.runtime.SandboxLimits;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LocalPodTemplateTest {

  private static final int HOST_CORES = 2;
  private static final long MI = 1L << 20;
  private static final long GI = 1L << 30;
  private static final String POD = "spec.podTemplate.spec";
  private static final String MAIN = POD + ".containers[0]";

  @Test
  void theExampleTemplateMapsToGvisorWithDefaultLimits() {
    SandboxTemplateSpec template = ((SandboxTemplate) example().get(1)).getSpec();

    LocalSandboxSpec spec =
        LocalPodTemplate.map(
            template.getPodTemplate(),
            template.getVolumeClaimTemplates(),
            template.getService(),
            RuntimeKind.GVISOR,
            HOST_CORES);

    assertThat(spec)
        .isEqualTo(
            new LocalSandboxSpec(
                RuntimeKind.GVISOR,
                ImageChoice.builtIn(),
                new SandboxLimits(512 * MI, 4096, 1000, 256 * MI),
                Map.of(),
                GI));
  }

  @Test
  void theExampleSandboxIsRejectedForItsServiceAndItsUid() {
    SandboxSpec sandbox = ((Sandbox) example().get(0)).getSpec();

    assertThat(problems(sandbox, RuntimeKind.GVISOR))
        .containsExactly(
            "spec.service: embedded mode has no cluster DNS; reach the sandbox through the gateway"
                + " by its name",
            POD
                + ".securityContext.runAsUser: must be 1000 or unset, got 65534: sandboxes run as"
                + " the fixed uid 1000, which owns /workspace");
  }

  @Test
  void theExampleSandboxWithoutThoseMapsItsWorkspace() {
    SandboxSpec sandbox = ((Sandbox) example().get(0)).getSpec();
    sandbox.setService(false);
    sandbox.getPodTemplate().getSpec().getSecurityContext().setRunAsUser(1000L);

    LocalSandboxSpec spec = map(sandbox, RuntimeKind.GVISOR);

    assertThat(spec.runtime()).isEqualTo(RuntimeKind.GVISOR);
    assertThat(spec.limits()).isEqualTo(new SandboxLimits(512 * MI, 4096, 1000, 256 * MI));
    assertThat(spec.workspaceBytes()).isEqualTo(GI);
  }

  @Test
  void runtimeClassIsTheServersRuntime() {
    assertThat(map(pod("{containers: [" + main("") + "]}"), RuntimeKind.CRUN).runtime())
        .isEqualTo(RuntimeKind.CRUN);
    assertThat(
            map(pod("{runtimeClassName: crun, containers: [" + main("") + "]}"), RuntimeKind.CRUN)
                .runtime())
        .isEqualTo(RuntimeKind.CRUN);
    assertThat(problems(pod("{runtimeClassName: kata, containers: [" + main("") + "]}")))
        .containsExactly(
            POD
                + ".runtimeClassName: \"kata\" is not available in embedded mode: this server runs"
                + " gvisor");
    assertThat(problems(pod("{runtimeClassName: crun, containers: [" + main("") + "]}")))
        .containsExactly(
            POD
                + ".runtimeClassName: \"crun\" is not available in embedded mode: this server runs"
                + " gvisor");
    assertThat(
            problems(
                pod("{runtimeClassName: gvisor, containers: [" + main("") + "]}"),
                RuntimeKind.CRUN))
        .containsExactly(
            POD
                + ".runtimeClassName: \"gvisor\" is not available in embedded mode: this server"
                + " runs crun");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "nodeSelector: {disk: ssd}   | nodeSelector                  | one machine, no scheduler",
        "tolerations: [{key: a}]     | tolerations                   | one machine, no scheduler",
        "affinity: {nodeAffinity: {}}| affinity                      | one machine, no scheduler",
        "priorityClassName: high     | priorityClassName             | one machine, no scheduler",
        "hostNetwork: true           | hostNetwork                   | a sandbox never shares the host's namespaces",
        "hostPID: false              | hostPID                       | a sandbox never shares the host's namespaces",
        "dnsPolicy: None             | dnsPolicy                     | sandboxes have no network",
        "hostname: box               | hostname                      | sandboxes have no network",
        "serviceAccountName: agent   | serviceAccountName            | no service accounts exist on one machine",
        "imagePullSecrets: [{name: r}] | imagePullSecrets            | registry credentials are the server's (an auth file skopeo reads, or --registry-auth-file)",
        "initContainers: [{name: i, image: x}] | initContainers      | a sandbox runs one container, with sandboxd as its entry process",
        "terminationGracePeriodSeconds: 30 | terminationGracePeriodSeconds | a sandbox is stopped at once",
        "activeDeadlineSeconds: 60   | activeDeadlineSeconds         | use shutdownTime",
        "readinessGates: [{conditionType: x}] | readinessGates       | readiness is sandboxd answering on its socket",
        "os: {name: linux}           | os                            | sandboxes run Linux",
      })
  void podFieldsThatCannotApplyAreRejectedWithTheirReason(String field, String name, String why) {
    assertThat(problems(pod("{" + field + ", containers: [" + main("") + "]}")))
        .containsExactly(POD + "." + name + ": cannot apply in embedded mode (" + why + ")");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "command: [python3]          | command          | sandboxd is the entry process; run programs with Exec/Run",
        "args: [x]                   | args             | sandboxd is the entry process; run programs with Exec/Run",
        "lifecycle: {preStop: {exec: {command: [x]}}} | lifecycle | sandboxd is the entry process; run programs with Exec/Run",
        "ports: [{containerPort: 80}] | ports           | sandboxes have no network; reach them through the gateway",
        "readinessProbe: {exec: {command: [x]}} | readinessProbe | readiness is sandboxd answering on its socket",
        "livenessProbe: {exec: {command: [x]}}  | livenessProbe  | readiness is sandboxd answering on its socket",
        "envFrom: [{secretRef: {name: s}}] | envFrom    | no secrets or config maps on one machine",
        "tty: true                   | tty              | open a terminal with Exec or the WebSocket terminal",
        "volumeDevices: [{name: d, devicePath: /dev/x}] | volumeDevices | no block devices on one machine",
      })
  void containerFieldsThatCannotApplyAreRejectedWithTheirReason(
      String field, String name, String why) {
    assertThat(problems(pod("{containers: [" + main(", " + field) + "]}")))
        .containsExactly(MAIN + "." + name + ": cannot apply in embedded mode (" + why + ")");
  }

  @Test
  void unknownFieldsAreReportedAsSuch() {
    assertThat(problems(pod("{containerz: [], containers: [" + main(", imagee: x") + "]}")))
        .containsExactly(POD + ".containerz: unknown field", MAIN + ".imagee: unknown field");
  }

  @Test
  void podSettingsMustMatchWhatEverySandboxIs() {
    assertThat(
            map(pod(
                    "{automountServiceAccountToken: false, restartPolicy: Never,"
                        + " securityContext: {runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000,"
                        + " seccompProfile: {type: RuntimeDefault}}, containers: ["
                        + main("")
                        + "]}"))
                .runtime())
        .isEqualTo(RuntimeKind.GVISOR);
    assertThat(
            problems(
                pod(
                    "{automountServiceAccountToken: true, restartPolicy: Always, securityContext:"
                        + " {runAsNonRoot: false, runAsGroup: 0, fsGroup: 2000, sysctls: [{name: a,"
                        + " value: b}], seccompProfile: {type: Unconfined}}, containers: ["
                        + main("")
                        + "]}")))
        .containsExactlyInAnyOrder(
            POD
                + ".automountServiceAccountToken: must be false or unset: no service account"
                + " exists in embedded mode",
            POD
                + ".restartPolicy: must be Never or unset: a sandbox whose entry process ends is"
                + " finished, not restarted",
            POD
                + ".securityContext.runAsNonRoot: must be true or unset: sandboxes always run as a"
                + " non-root user",
            POD
                + ".securityContext.runAsGroup: must be 1000 or unset, got 0: sandboxes run as the"
                + " fixed gid 1000",
            POD
                + ".securityContext.fsGroup: cannot apply in embedded mode (sandboxes run as the"
                + " fixed uid and gid 1000 with no extra groups)",
            POD
                + ".securityContext.sysctls: cannot apply in embedded mode (the sandbox kernel's"
                + " settings are fixed)",
            POD
                + ".securityContext.seccompProfile.type: must be RuntimeDefault or unset: the"
                + " runtime's own syscall filtering always applies (gVisor serves every syscall"
                + " itself)");
  }

  @Test
  void containerSecurityMayOnlyRestateTheDefaults() {
    String hardened =
        "securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true,"
            + " runAsNonRoot: true, privileged: false, capabilities: {drop: [ALL]},"
            + " seccompProfile: {type: RuntimeDefault}}";
    assertThat(map(pod("{containers: [" + main(", " + hardened) + "]}")).runtime())
        .isEqualTo(RuntimeKind.GVISOR);

    String loose =
        "securityContext: {allowPrivilegeEscalation: true, readOnlyRootFilesystem: false,"
            + " runAsUser: 0, privileged: true, capabilities: {add: [NET_ADMIN]}, procMount:"
            + " Unmasked}";
    assertThat(problems(pod("{containers: [" + main(", " + loose) + "]}")))
        .containsExactlyInAnyOrder(
            MAIN
                + ".securityContext.procMount: cannot apply in embedded mode (/proc is the"
                + " sandbox's own)",
            MAIN
                + ".securityContext.runAsUser: must be 1000 or unset, got 0: sandboxes run as"
                + " the fixed uid 1000, which owns /workspace",
            MAIN
                + ".securityContext.allowPrivilegeEscalation: must be false or unset: sandboxes"
                + " can never gain privileges",
            MAIN
                + ".securityContext.readOnlyRootFilesystem: must be true or unset: the root"
                + " filesystem is always read-only; write to /workspace or /tmp",
            MAIN
                + ".securityContext.privileged: must be false or unset: sandboxes are never"
                + " privileged",
            MAIN
                + ".securityContext.capabilities.add: cannot apply in embedded mode (sandboxes"
                + " get no capabilities)");
  }

  @Test
  void theBuiltInImageIsNamedByAnyTagOrDigestAndIsNeverPulled() {
    for (String image :
        List.of(
            "bastion/python", "bastion/python:3.11", "bastion/python@sha256:" + "a".repeat(64))) {
      assertThat(map(pod("{containers: [{name: main, image: \"" + image + "\"}]}")).image())
          .isEqualTo(ImageChoice.builtIn());
    }
  }

  @Test
  void anyOtherImageIsPulledAsKubernetesWouldByDefault() {
    assertThat(map(pod("{containers: [{name: main, image: \"python:3.12\"}]}")).image())
        .isEqualTo(
            new ImageChoice(
                Optional.of(ImageReference.parse("docker.io/library/python:3.12")),
                PullPolicy.IF_NOT_PRESENT));
    assertThat(map(pod("{containers: [{name: main, image: \"127.0.0.1:5000/a/b\"}]}")).image())
        .isEqualTo(
            new ImageChoice(
                Optional.of(ImageReference.parse("127.0.0.1:5000/a/b:latest")), PullPolicy.ALWAYS));
    assertThat(
            map(pod("{containers: [{name: main, image: \"a/b:1\", imagePullPolicy: Never}]}"))
                .image()
                .policy())
        .isEqualTo(PullPolicy.NEVER);
  }

  @Test
  void referencesThatAreNotImagesAreRefusedBeforeAnyToolSeesThem() {
    for (String image :
        List.of(
            "-v",
            "oci:/etc",
            "docker://x/y",
            "Python:3",
            "bastion/python:",
            "a b",
            "x@sha256:12")) {
      assertThat(problems(pod("{containers: [{name: main, image: \"" + image + "\"}]}")))
          .singleElement()
          .asString()
          .startsWith(MAIN + ".image: \"" + image + "\" is not an image reference");
    }
    assertThat(problems(pod("{containers: [{name: main, image: a, imagePullPolicy: Sometimes}]}")))
        .containsExactly(
            MAIN + ".imagePullPolicy: \"Sometimes\" is not Always, IfNotPresent or Never");
  }

  @Test
  void exactlyOneContainer() {
    assertThat(problems(pod("{containers: [" + main("") + ", {name: b, image: bastion/python}]}")))
        .containsExactly(
            POD + ".containers: embedded mode runs exactly one container per sandbox, got 2");
    assertThat(problems(pod("{}")))
        .containsExactly(
            POD + ".containers: embedded mode runs exactly one container per sandbox, got 0");
  }

  @Test
  void resourcesBecomeLimits() {
    LocalSandboxSpec spec =
        map(
            pod(
                "{containers: ["
                    + main(
                        ", resources: {limits: {memory: 1Gi, cpu: 500m, ephemeral-storage: 1Gi},"
                            + " requests: {memory: 1Gi, cpu: 100m}}")
                    + "]}"));
    assertThat(spec.limits()).isEqualTo(new SandboxLimits(GI, 4096, 500, GI));

    assertThat(
            map(pod("{containers: [" + main(", resources: {limits: {cpu: \"1\"}}") + "]}"))
                .limits())
        .isEqualTo(new SandboxLimits(512 * MI, 4096, 1000, 256 * MI));
    assertThat(
            map(pod(
                    "{containers: ["
                        + main(", resources: {limits: {cpu: 2, memory: 1.5Gi}}")
                        + "]}"))
                .limits())
        .isEqualTo(new SandboxLimits(1536 * MI, 4096, 2000, 256 * MI));
  }

  @Test
  void resourcesOutsideTheLimitsAreRejected() {
    String path = MAIN + ".resources";
    assertThat(
            problems(
                pod(
                    "{containers: ["
                        + main(
                            ", resources: {limits: {memory: 64Mi, cpu: 50m, ephemeral-storage: 0,"
                                + " nvidia.com/gpu: 1}}")
                        + "]}")))
        .containsExactly(
            path
                + ".limits[\"nvidia.com/gpu\"]: cannot apply in embedded mode (only cpu, memory"
                + " and ephemeral-storage are limited on one machine)",
            path + ".limits.memory: 64Mi is too small: memory limit must be at least 128Mi",
            path + ".limits.cpu: 50m is too small: cpu limit must be at least 100m",
            path
                + ".limits[\"ephemeral-storage\"]: 0 is too small: /tmp size must be at least 1Mi");
    assertThat(
            problems(
                pod(
                    "{containers: ["
                        + main(", resources: {limits: {memory: 32Gi, cpu: 3}}")
                        + "]}")))
        .containsExactly(
            path + ".limits.memory: 32Gi is more than the 16Gi a sandbox may have in embedded mode",
            path + ".limits.cpu: 3 is more than the 2 cores of this machine");
    assertThat(
            problems(pod("{containers: [" + main(", resources: {limits: {memory: lots}}") + "]}")))
        .containsExactly(
            path
                + ".limits.memory: \"lots\" is not a valid quantity (such as 512Mi, 1Gi, 500m or"
                + " 2)");
  }

  @Test
  void requestsMayNotExceedLimits() {
    String path = MAIN + ".resources.requests";
    assertThat(
            problems(
                pod(
                    "{containers: ["
                        + main(
                            ", resources: {limits: {memory: 256Mi}, requests: {memory: 1Gi, cpu:"
                                + " 1500m, ephemeral-storage: 300Mi}}")
                        + "]}")))
        .containsExactly(
            path
                + ".memory: 1Gi is more than the limit 256Mi (requests are checked, not reserved,"
                + " on one machine)",
            path
                + ".cpu: 1500m is more than the default limit 1000m (requests are checked, not"
                + " reserved, on one machine)",
            path
                + "[\"ephemeral-storage\"]: 300Mi is more than the default limit 256Mi (requests"
                + " are checked, not reserved, on one machine)");
  }

  @Test
  void envBecomesTheProcessesEnvironment() {
    LocalSandboxSpec spec =
        map(pod("{containers: [" + main(", env: [{name: B, value: \"2\"}, {name: A}]") + "]}"));
    assertThat(spec.env()).containsExactly(Map.entry("B", "2"), Map.entry("A", ""));

    assertThat(
            problems(
                pod(
                    "{containers: ["
                        + main(", env: [{name: K, valueFrom: {secretKeyRef: {name: s, key: k}}}]")
                        + "]}")))
        .containsExactly(
            MAIN
                + ".env[0].valueFrom: cannot apply in embedded mode (no secrets or config maps on"
                + " one machine)");
  }

  @Test
  void theWorkspaceSizeDefaultsTo1GiAndIsBounded() {
    assertThat(map(pod("{containers: [" + main("") + "]}")).workspaceBytes()).isEqualTo(GI);
    for (String size : List.of("8Mi", "2Ti")) {
      String vcts =
          "[{metadata: {name: ws}, spec: {resources: {requests: {storage: " + size + "}}}}]";
      assertThat(problems(pod("{containers: [" + main("") + "]}", vcts)))
          .as(size)
          .containsExactly(
              "spec.volumeClaimTemplates[0].spec.resources.requests.storage: must be between 16Mi"
                  + " and 1Ti: the workspace is a file system of that size, got "
                  + size);
    }
  }

  @Test
  void theWorkspaceIsTheOnlyVolume() {
    String vct =
        "[{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], volumeMode: Filesystem,"
            + " resources: {requests: {storage: 2Gi}}}}]";
    LocalSandboxSpec spec =
        map(
            pod(
                "{volumes: [{name: data, emptyDir: {}}], containers: ["
                    + main(
                        ", workingDir: /workspace, volumeMounts: [{name: data, mountPath:"
                            + " /workspace, readOnly: false}]")
                    + "]}",
                vct));
    assertThat(spec.workspaceBytes()).isEqualTo(2 * GI);

    assertThat(
            problems(
                pod(
                    "{volumes: [{name: cache, emptyDir: {}}], containers: ["
                        + main(
                            ", workingDir: /tmp, volumeMounts: [{name: cache, mountPath: /data,"
                                + " subPath: x}]")
                        + "]}",
                    vct)))
        .containsExactlyInAnyOrder(
            POD
                + ".volumes[0]: cannot apply in embedded mode (the only volume is the workspace,"
                + " and \"cache\" is not a volume claim template)",
            MAIN + ".workingDir: must be /workspace or unset: processes start in the workspace",
            MAIN
                + ".volumeMounts[0].subPath: cannot apply in embedded mode (the workspace is"
                + " mounted read-write as a whole)",
            MAIN
                + ".volumeMounts[0].name: \"cache\" is not a volume claim template: in embedded"
                + " mode the only volume is the workspace, declared in spec.volumeClaimTemplates",
            MAIN
                + ".volumeMounts[0].mountPath: must be /workspace: the workspace is the sandbox's"
                + " one persistent directory");
  }

  @Test
  void volumeClaimTemplatesCannotAskForStorageFeatures() {
    String vcts =
        "[{metadata: {name: a, labels: {x: y}}, spec: {storageClassName: fast, accessModes:"
            + " [ReadWriteMany], resources: {requests: {storage: 1Gi}, limits: {storage: 2Gi}}}},"
            + " {metadata: {name: b}, spec: {volumeMode: Block}}]";
    assertThat(problems(pod("{containers: [" + main("") + "]}", vcts)))
        .containsExactlyInAnyOrder(
            "spec.volumeClaimTemplates: at most one is allowed in embedded mode, got 2: a sandbox"
                + " has one persistent directory, /workspace",
            "spec.volumeClaimTemplates[0].metadata.labels: cannot apply in embedded mode (the"
                + " workspace is a file system on this machine, not a PersistentVolumeClaim)",
            "spec.volumeClaimTemplates[0].spec.storageClassName: cannot apply in embedded mode (no"
                + " storage classes or persistent volumes on one machine)",
            "spec.volumeClaimTemplates[0].spec.accessModes[0]: must be ReadWriteOnce: the"
                + " workspace belongs to one sandbox",
            "spec.volumeClaimTemplates[0].spec.resources.limits: cannot apply in embedded mode"
                + " (only requests.storage sizes the workspace)",
            "spec.volumeClaimTemplates[1].spec.volumeMode: must be Filesystem or unset: the"
                + " workspace is a directory");
  }

  @Test
  void everyProblemIsListedInOneMessage() {
    SandboxSpec spec =
        pod("{nodeSelector: {a: b}, containers: [" + main(", ports: [{containerPort: 1}]") + "]}");
    spec.setService(true);
    assertThatThrownBy(() -> map(spec, RuntimeKind.GVISOR))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessage(
            "spec.service: embedded mode has no cluster DNS; reach the sandbox through the gateway"
                + " by its name; "
                + POD
                + ".nodeSelector: cannot apply in embedded mode (one machine, no scheduler); "
                + MAIN
                + ".ports: cannot apply in embedded mode (sandboxes have no network; reach them"
                + " through the gateway)");
  }

  @Test
  void aKnownFieldWithoutAReasonIsStillRejected() {
    // Fields a newer fabric8 model adds reach this branch until they are given a reason.
    FieldProblems problems = new FieldProblems();
    Container container = new ContainerBuilder().withName("a").withTty(true).build();

    problems.rejectOthers("c", container, Map.of(), Set.of("name"), new FieldReasons());

    assertThatThrownBy(problems::throwIfAny).hasMessage("c.tty: not supported in embedded mode");
  }

  @Test
  void aMissingPodSpecIsReported() {
    assertThat(problems(pod(null))).containsExactly(POD + ": required");
  }

  private static List<HasMetadata> example() {
    try (InputStream in =
        LocalPodTemplateTest.class.getResourceAsStream("/examples/agent-sandbox-v1beta1.yaml")) {
      return Manifests.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String main(String moreFields) {
    return "{name: main, image: bastion/python" + moreFields + "}";
  }

  private static SandboxSpec pod(String podSpec) {
    return pod(podSpec, "[]");
  }

  /** A Sandbox spec read from YAML, as users write it. */
  private static SandboxSpec pod(String podSpec, String volumeClaimTemplates) {
    String podTemplate = podSpec == null ? "{}" : "{spec: " + podSpec + "}";
    String yaml =
        "apiVersion: agents.x-k8s.io/v1beta1\nkind: Sandbox\nmetadata: {name: s}\nspec:"
            + " {podTemplate: "
            + podTemplate
            + ", volumeClaimTemplates: "
            + volumeClaimTemplates
            + "}";
    return ((Sandbox) Manifests.parse(yaml).get(0)).getSpec();
  }

  private static LocalSandboxSpec map(SandboxSpec spec) {
    return map(spec, RuntimeKind.GVISOR);
  }

  private static LocalSandboxSpec map(SandboxSpec spec, RuntimeKind serverRuntime) {
    return LocalPodTemplate.map(
        spec.getPodTemplate(),
        spec.getVolumeClaimTemplates(),
        spec.getService(),
        serverRuntime,
        HOST_CORES);
  }

  private static List<String> problems(SandboxSpec spec) {
    return problems(spec, RuntimeKind.GVISOR);
  }

  private static List<String> problems(SandboxSpec spec, RuntimeKind serverRuntime) {
    try {
      map(spec, serverRuntime);
    } catch (InvalidManifestException e) {
      return e.problems();
    }
    throw new AssertionError("expected the template to be rejected");
  }
}
