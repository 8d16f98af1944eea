package dev.bastion.controller.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.controller.model.Sandbox;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SandboxdSecretBuilderTest {

  @Test
  void anImmutableOpaqueSecretHoldsTheToken() {
    Secret secret = SandboxdSecretBuilder.build(Samples.sandbox(), "t0ken-ü");

    assertThat(secret.getMetadata().getName()).isEqualTo("sandboxd-s1");
    assertThat(secret.getMetadata().getNamespace()).isEqualTo("team-a");
    assertThat(secret.getType()).isEqualTo("Opaque");
    assertThat(secret.getImmutable()).isTrue();
    assertThat(secret.getData()).containsOnlyKeys("token");
    assertThat(
            new String(
                Base64.getDecoder().decode(secret.getData().get("token")), StandardCharsets.UTF_8))
        .isEqualTo("t0ken-ü");
  }

  @Test
  void theSandboxControlsIt() {
    OwnerReference owner =
        SandboxdSecretBuilder.build(Samples.sandbox(), "t")
            .getMetadata()
            .getOwnerReferences()
            .getFirst();

    assertThat(owner.getKind()).isEqualTo("Sandbox");
    assertThat(owner.getUid()).isEqualTo("sandbox-uid");
    assertThat(owner.getController()).isTrue();
  }

  @Test
  void thePodMountsThisSecret() {
    Sandbox sandbox = Samples.sandbox();
    String secretName = SandboxdSecretBuilder.build(sandbox, "t").getMetadata().getName();

    assertThat(SandboxPodBuilder.build(sandbox).getSpec().getVolumes())
        .anySatisfy(
            volume -> {
              assertThat(volume.getName()).isEqualTo(SandboxdWiring.TOKEN_VOLUME);
              assertThat(volume.getSecret().getSecretName()).isEqualTo(secretName);
            });
  }
}
