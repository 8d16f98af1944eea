package dev.bastion.controller.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.controller.model.Sandbox;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;

/**
 * The deploy overlays label Bastion's namespace {@code pod-security.kubernetes.io/enforce:
 * restricted}, so a pod SandboxPodBuilder makes must pass that level whenever its template does:
 * nothing Bastion adds (the token Secret, /tmp, volume claims, fsGroup, the sandboxd port) may
 * break it, or admission would refuse every sandbox.
 */
class SandboxPodSecurityTest {

  /** Hardened as the shipped template is, with everything that makes the builder add to it. */
  private static final String HARDENED =
      """
      apiVersion: agents.x-k8s.io/v1beta1
      kind: Sandbox
      metadata: {name: hardened, namespace: team-a, uid: hardened-uid}
      spec:
        service: true
        podTemplate:
          spec:
            runtimeClassName: gvisor
            automountServiceAccountToken: false
            securityContext:
              runAsNonRoot: true
              runAsUser: 1000
              seccompProfile: {type: RuntimeDefault}
            containers:
            - name: main
              image: bastion/python
              securityContext:
                allowPrivilegeEscalation: false
                readOnlyRootFilesystem: true
                capabilities: {drop: [ALL]}
              resources: {limits: {cpu: "1", memory: 512Mi, ephemeral-storage: 1Gi}}
              volumeMounts: [{name: workspace, mountPath: /workspace}]
        volumeClaimTemplates:
        - metadata: {name: workspace}
          spec:
            accessModes: [ReadWriteOnce]
            resources: {requests: {storage: 1Gi}}
      """;

  @Test
  void theBuilderKeepsAHardenedTemplatesPodWithinTheRestrictedLevel() {
    Pod pod = SandboxPodBuilder.build(Samples.sandbox(HARDENED));

    assertThat(pod.getSpec().getVolumes())
        .extracting(volume -> volume.getName())
        .contains("workspace", SandboxdWiring.TOKEN_VOLUME, SandboxPodBuilder.TMP_VOLUME);
    assertThat(RestrictedPodSecurity.violations(pod.getSpec())).isEmpty();
  }

  // Bastion does not harden a template for it: admission refuses such a pod, the audit grades it.
  @Test
  void aTemplateWithoutHardeningMakesAPodTheRestrictedLevelRefuses() {
    Sandbox plain = Samples.sandbox(Samples.PLAIN_SANDBOX);

    assertThat(RestrictedPodSecurity.violations(SandboxPodBuilder.build(plain).getSpec()))
        .containsExactlyInAnyOrder(
            "container main does not set allowPrivilegeEscalation: false",
            "container main may run as root (runAsNonRoot is not true)",
            "container main has no RuntimeDefault or Localhost seccomp profile",
            "container main does not drop ALL capabilities");
  }

  @Test
  void whatTheTemplateAsksBeyondTheLevelIsReported() {
    Sandbox risky =
        Samples.sandbox(
            HARDENED
                .replace("runtimeClassName: gvisor", "hostNetwork: true")
                .replace(
                    "capabilities: {drop: [ALL]}", "capabilities: {drop: [ALL], add: [SYS_ADMIN]}")
                .replace(
                    "volumeMounts: [{name: workspace, mountPath: /workspace}]",
                    "volumeMounts: [{name: workspace, mountPath: /workspace}]\n"
                        + "        ports: [{containerPort: 80, hostPort: 80}]\n"
                        + "      volumes: [{name: host, hostPath: {path: /}}]"));

    assertThat(RestrictedPodSecurity.violations(SandboxPodBuilder.build(risky).getSpec()))
        .containsExactlyInAnyOrder(
            "hostNetwork is true",
            "volume host is of type hostPath",
            "container main adds capabilities [SYS_ADMIN]",
            "container main uses host port 80");
  }
}
