package dev.bastion.controller.sandbox;

import dev.bastion.controller.model.Sandbox;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret each sandbox's sandboxd demands of its callers: an HMAC of the Sandbox's uid under a
 * key only the gateway holds. Every gateway replica derives the same token without storing one per
 * sandbox, a token is useless for any other sandbox, and a sandbox recreated under the same name
 * (new uid) gets a new one.
 */
public final class SandboxdTokens {

  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;

  public SandboxdTokens(byte[] key) {
    if (key.length < 32) {
      throw new IllegalArgumentException("the sandboxd key must have at least 32 bytes");
    }
    this.key = new SecretKeySpec(key.clone(), ALGORITHM);
  }

  /** The token of {@code sandbox}, which must have been created (it has a uid). */
  public String of(Sandbox sandbox) {
    String uid = sandbox.getMetadata().getUid();
    if (uid == null) {
      throw new IllegalArgumentException("a sandbox has a token only once it is created");
    }
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      byte[] digest = mac.doFinal(uid.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
    }
  }
}
