package dev.bastion.controller.kubernetes;

import dev.bastion.controller.model.Sandbox;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The Secret holding the token that sandboxd in a sandbox's pod requires of its callers. */
public final class SandboxdSecretBuilder {

  private SandboxdSecretBuilder() {}

  /**
   * An immutable Secret {@link SandboxdWiring#secretName} owned by {@code sandbox}, with {@code
   * token} under {@link SandboxdWiring#TOKEN_KEY}. Immutable, so a token is replaced only by
   * replacing the Secret (and kubelets need not watch it).
   */
  public static Secret build(Sandbox sandbox, String token) {
    String name = SandboxdWiring.secretName(sandbox.getMetadata().getName());
    return new SecretBuilder()
        .withMetadata(SandboxChildren.metadata(sandbox, name, null))
        .withType("Opaque")
        .withImmutable(true)
        // data rather than stringData: what is sent is what a read returns.
        .addToData(
            SandboxdWiring.TOKEN_KEY,
            Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)))
        .build();
  }
}
