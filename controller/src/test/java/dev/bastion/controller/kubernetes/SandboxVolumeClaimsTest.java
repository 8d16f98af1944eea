package dev.bastion.controller.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.Sandbox;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SandboxVolumeClaimsTest {

  @Test
  void oneClaimPerTemplateNamedStatefulSetStyle() {
    List<PersistentVolumeClaim> claims = SandboxVolumeClaims.build(Samples.sandbox());

    assertThat(claims)
        .extracting(claim -> claim.getMetadata().getName())
        .containsExactly("workspace-s1", "cache-s1");
    assertThat(claims)
        .extracting(claim -> claim.getMetadata().getNamespace())
        .containsOnly("team-a");
  }

  @Test
  void aClaimCarriesItsTemplatesMetadataWithoutReservedKeysAndTheNameHash() {
    PersistentVolumeClaim workspace = SandboxVolumeClaims.build(Samples.sandbox()).getFirst();

    assertThat(workspace.getMetadata().getLabels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("tier", "fast", AgentLabels.SANDBOX_NAME_HASH, AgentLabels.nameHash("s1")));
    assertThat(workspace.getMetadata().getAnnotations())
        .containsExactlyEntriesOf(Map.of("backup", "daily"));
  }

  @Test
  void aClaimHasItsTemplatesSpecAndTheSandboxAsController() {
    Sandbox sandbox = Samples.sandbox();
    PersistentVolumeClaim cache = SandboxVolumeClaims.build(sandbox).get(1);

    assertThat(cache.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
    assertThat(cache.getSpec().getResources().getRequests())
        .containsEntry("storage", new Quantity("2Gi"));
    assertThat(cache.getSpec())
        .isNotSameAs(sandbox.getSpec().getVolumeClaimTemplates().get(1).getSpec());
    OwnerReference owner = cache.getMetadata().getOwnerReferences().getFirst();
    assertThat(owner.getKind()).isEqualTo("Sandbox");
    assertThat(owner.getUid()).isEqualTo("sandbox-uid");
    assertThat(owner.getController()).isTrue();
  }

  @Test
  void noTemplatesNoClaims() {
    assertThat(SandboxVolumeClaims.build(Samples.sandbox(Samples.PLAIN_SANDBOX))).isEmpty();
  }
}
