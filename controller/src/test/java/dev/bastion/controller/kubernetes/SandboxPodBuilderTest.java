package dev.bastion.controller.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.Sandbox;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SandboxPodBuilderTest {

  @Test
  void thePodIsNamedLikeTheSandboxAndControlledByIt() {
    Pod pod = SandboxPodBuilder.build(Samples.sandbox());

    assertThat(pod.getApiVersion()).isEqualTo("v1");
    assertThat(pod.getKind()).isEqualTo("Pod");
    assertThat(pod.getMetadata().getName()).isEqualTo("s1");
    assertThat(pod.getMetadata().getNamespace()).isEqualTo("team-a");
    assertThat(pod.getMetadata().getOwnerReferences()).hasSize(1);
    OwnerReference owner = pod.getMetadata().getOwnerReferences().getFirst();
    assertThat(owner.getApiVersion()).isEqualTo("agents.x-k8s.io/v1beta1");
    assertThat(owner.getKind()).isEqualTo("Sandbox");
    assertThat(owner.getName()).isEqualTo("s1");
    assertThat(owner.getUid()).isEqualTo("sandbox-uid");
    assertThat(owner.getController()).isTrue();
    assertThat(owner.getBlockOwnerDeletion()).isTrue();
  }

  @Test
  void labelsKeepTheTemplatesOwnButNotReservedOrIdentityOnes() {
    Pod pod = SandboxPodBuilder.build(Samples.sandbox());

    assertThat(pod.getMetadata().getLabels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "app",
                "py",
                AgentLabels.SANDBOX_NAME_HASH,
                AgentLabels.nameHash("s1"),
                "bastion.dev/sandbox",
                "true",
                "bastion.dev/template",
                "py"));
    assertThat(pod.getMetadata().getAnnotations()).containsExactlyEntriesOf(Map.of("note", "kept"));
  }

  @Test
  void theTemplateLabelIsLeftOffWhenTheTemplateIsUnknownOrItsNameTooLong() {
    Sandbox unknown = Samples.sandbox();
    unknown.getMetadata().setAnnotations(null);
    Sandbox longName = Samples.sandbox();
    longName.getMetadata().getAnnotations().put(AgentLabels.TEMPLATE, "t".repeat(64));

    // The pod template's own "bastion.dev/template: other" must not survive either.
    assertThat(SandboxPodBuilder.build(unknown).getMetadata().getLabels())
        .doesNotContainKey("bastion.dev/template")
        .containsEntry("bastion.dev/sandbox", "true");
    assertThat(SandboxPodBuilder.build(longName).getMetadata().getLabels())
        .doesNotContainKey("bastion.dev/template");
  }

  @Test
  void claimTemplatesReplaceSameNamedVolumesAndAddTheOthers() {
    Pod pod = SandboxPodBuilder.build(Samples.sandbox());

    assertThat(pod.getSpec().getVolumes())
        .extracting(Volume::getName)
        .containsExactly("workspace", "scratch", "cache", "bastion-sandboxd-token", "bastion-tmp");
    Volume workspace = volume(pod, "workspace");
    assertThat(workspace.getEmptyDir()).isNull();
    assertThat(workspace.getPersistentVolumeClaim().getClaimName()).isEqualTo("workspace-s1");
    assertThat(volume(pod, "cache").getPersistentVolumeClaim().getClaimName())
        .isEqualTo("cache-s1");
    assertThat(volume(pod, "scratch").getEmptyDir()).isNotNull();
  }

  @Test
  void theTokenSecretIsMountedReadOnlyInTheFirstContainerOnly() {
    Pod pod = SandboxPodBuilder.build(Samples.sandbox());

    Volume token = volume(pod, "bastion-sandboxd-token");
    assertThat(token.getSecret().getSecretName()).isEqualTo("sandboxd-s1");
    assertThat(token.getSecret().getDefaultMode()).isEqualTo(0444);
    // The template's mount over the token file is gone; its other mount stays.
    assertThat(container(pod, 0).getVolumeMounts())
        .extracting(VolumeMount::getName, VolumeMount::getMountPath, VolumeMount::getReadOnly)
        .containsExactly(
            tuple("workspace", "/workspace", null),
            tuple("bastion-sandboxd-token", "/var/run/bastion", true),
            tuple("bastion-tmp", "/tmp", null));
    assertThat(container(pod, 1).getVolumeMounts())
        .extracting(VolumeMount::getName)
        .containsExactly("scratch");
  }

  @Test
  void sandboxdEnvReplacesTheTemplatesAndKeepsTheRest() {
    Pod pod = SandboxPodBuilder.build(Samples.sandbox());

    assertThat(container(pod, 0).getEnv())
        .extracting(EnvVar::getName, EnvVar::getValue)
        .containsExactly(
            tuple("SANDBOXD_LISTEN", "0.0.0.0:7070"),
            tuple("KEEP", "1"),
            tuple("SANDBOXD_TOKEN_FILE", "/var/run/bastion/token"));
    assertThat(container(pod, 1).getEnv()).isNullOrEmpty();
  }

  @Test
  void aPortAndAReadinessProbeAreAddedWhenTheFirstContainerHasNone() {
    Pod pod = SandboxPodBuilder.build(Samples.sandbox());

    assertThat(container(pod, 0).getPorts())
        .extracting(
            ContainerPort::getName, ContainerPort::getContainerPort, ContainerPort::getProtocol)
        .containsExactly(tuple("sandboxd", 7070, "TCP"));
    Probe probe = container(pod, 0).getReadinessProbe();
    assertThat(probe.getTcpSocket().getPort().getIntVal()).isEqualTo(7070);
    assertThat(probe.getHttpGet()).isNull();
    assertThat(container(pod, 1).getPorts()).isNullOrEmpty();
    assertThat(container(pod, 1).getReadinessProbe()).isNull();
  }

  @Test
  void aDeclaredPortAndTheTemplatesReadinessProbeAreKept() {
    Sandbox sandbox = Samples.sandbox();
    Container main = sandbox.getSpec().getPodTemplate().getSpec().getContainers().getFirst();
    main.setPorts(
        new ArrayList<>(
            List.of(new ContainerPortBuilder().withName("grpc").withContainerPort(7070).build())));
    main.setReadinessProbe(new ProbeBuilder().withNewExec().withCommand("ready").endExec().build());

    Container built = container(SandboxPodBuilder.build(sandbox), 0);

    assertThat(built.getPorts()).extracting(ContainerPort::getName).containsExactly("grpc");
    assertThat(built.getReadinessProbe().getExec().getCommand()).containsExactly("ready");
    assertThat(built.getReadinessProbe().getTcpSocket()).isNull();
  }

  @Test
  void theServiceAccountTokenIsOffUnlessTheTemplateTurnsItOn() {
    assertThat(
            SandboxPodBuilder.build(Samples.sandbox()).getSpec().getAutomountServiceAccountToken())
        .isFalse();

    Sandbox asking = Samples.sandbox();
    asking.getSpec().getPodTemplate().getSpec().setAutomountServiceAccountToken(true);
    assertThat(SandboxPodBuilder.build(asking).getSpec().getAutomountServiceAccountToken())
        .isTrue();
  }

  @Test
  void withAServiceThePodTakesItsNameAsHostnameAndSubdomain() {
    Pod withService = SandboxPodBuilder.build(Samples.sandbox());
    assertThat(withService.getSpec().getHostname()).isEqualTo("s1");
    assertThat(withService.getSpec().getSubdomain()).isEqualTo("s1");

    Pod without = SandboxPodBuilder.build(Samples.sandbox(Samples.PLAIN_SANDBOX));
    assertThat(without.getSpec().getHostname()).isNull();
    assertThat(without.getSpec().getSubdomain()).isNull();
  }

  @Test
  void aSandboxWithoutVolumesOrMetadataGetsTheTokenAndIdentityOnly() {
    Pod pod = SandboxPodBuilder.build(Samples.sandbox(Samples.PLAIN_SANDBOX));

    assertThat(pod.getMetadata().getLabels())
        .containsOnlyKeys(AgentLabels.SANDBOX_NAME_HASH, "bastion.dev/sandbox");
    assertThat(pod.getMetadata().getAnnotations()).isEmpty();
    assertThat(pod.getSpec().getVolumes())
        .extracting(Volume::getName)
        .containsExactly("bastion-sandboxd-token", SandboxPodBuilder.TMP_VOLUME);
  }

  @Test
  void theFirstContainerGetsAWritableTmpSizedByItsEphemeralStorageUnlessItMountsOne() {
    Sandbox sandbox = Samples.sandbox(Samples.PLAIN_SANDBOX);
    sandbox
        .getSpec()
        .getPodTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .setResources(
            new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
                .addToLimits(
                    "ephemeral-storage", new io.fabric8.kubernetes.api.model.Quantity("64Mi"))
                .build());
    Pod pod = SandboxPodBuilder.build(sandbox);
    assertThat(volume(pod, SandboxPodBuilder.TMP_VOLUME).getEmptyDir().getSizeLimit())
        .hasToString("64Mi");
    assertThat(pod.getSpec().getContainers().get(0).getVolumeMounts())
        .anyMatch(
            m ->
                m.getName().equals(SandboxPodBuilder.TMP_VOLUME)
                    && m.getMountPath().equals("/tmp"));

    sandbox
        .getSpec()
        .getPodTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .setVolumeMounts(
            new java.util.ArrayList<>(
                List.of(
                    new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
                        .withName("mine")
                        .withMountPath("/tmp")
                        .build())));
    assertThat(SandboxPodBuilder.build(sandbox).getSpec().getVolumes())
        .extracting(Volume::getName)
        .doesNotContain(SandboxPodBuilder.TMP_VOLUME);
  }

  @Test
  void volumesAreWritableToTheSandboxUserUnlessTheTemplateChoseAGroup() {
    assertThat(
            SandboxPodBuilder.build(Samples.sandbox(Samples.PLAIN_SANDBOX))
                .getSpec()
                .getSecurityContext()
                .getFsGroup())
        .isEqualTo(1000L);
    Sandbox chosen = Samples.sandbox(Samples.PLAIN_SANDBOX);
    chosen
        .getSpec()
        .getPodTemplate()
        .getSpec()
        .setSecurityContext(
            new io.fabric8.kubernetes.api.model.PodSecurityContextBuilder()
                .withFsGroup(2000L)
                .build());
    assertThat(SandboxPodBuilder.build(chosen).getSpec().getSecurityContext().getFsGroup())
        .isEqualTo(2000L);
  }

  @Test
  void theSandboxIsNotChanged() {
    Sandbox sandbox = Samples.sandbox();
    String before = Samples.json(sandbox);

    SandboxPodBuilder.build(sandbox);

    assertThat(Samples.json(sandbox)).isEqualTo(before);
  }

  private static Volume volume(Pod pod, String name) {
    return pod.getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static Container container(Pod pod, int index) {
    return pod.getSpec().getContainers().get(index);
  }
}
