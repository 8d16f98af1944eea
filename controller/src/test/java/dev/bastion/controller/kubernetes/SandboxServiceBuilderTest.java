package dev.bastion.controller.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.controller.model.AgentLabels;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SandboxServiceBuilderTest {

  @Test
  void aHeadlessServiceSelectsTheSandboxPodByNameHash() {
    Service service = SandboxServiceBuilder.build(Samples.sandbox());

    assertThat(service.getMetadata().getName()).isEqualTo("s1");
    assertThat(service.getMetadata().getNamespace()).isEqualTo("team-a");
    assertThat(service.getMetadata().getLabels())
        .containsExactlyEntriesOf(
            Map.of(AgentLabels.SANDBOX_NAME_HASH, AgentLabels.nameHash("s1")));
    assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(service.getSpec().getSelector())
        .containsExactlyEntriesOf(
            Map.of(AgentLabels.SANDBOX_NAME_HASH, AgentLabels.nameHash("s1")));
    assertThat(service.getSpec().getPublishNotReadyAddresses()).isFalse();
  }

  @Test
  void itNamesTheSandboxdPort() {
    ServicePort port =
        SandboxServiceBuilder.build(Samples.sandbox()).getSpec().getPorts().getFirst();

    assertThat(port.getName()).isEqualTo("sandboxd");
    assertThat(port.getPort()).isEqualTo(7070);
    assertThat(port.getTargetPort().getIntVal()).isEqualTo(7070);
    assertThat(port.getProtocol()).isEqualTo("TCP");
  }

  @Test
  void theSandboxControlsIt() {
    OwnerReference owner =
        SandboxServiceBuilder.build(Samples.sandbox())
            .getMetadata()
            .getOwnerReferences()
            .getFirst();

    assertThat(owner.getApiVersion()).isEqualTo("agents.x-k8s.io/v1beta1");
    assertThat(owner.getName()).isEqualTo("s1");
    assertThat(owner.getUid()).isEqualTo("sandbox-uid");
    assertThat(owner.getController()).isTrue();
  }

  @Test
  void theFqdnIsTheClusterDnsName() {
    assertThat(SandboxServiceBuilder.fqdn("s1", "team-a")).isEqualTo("s1.team-a.svc.cluster.local");
  }
}
