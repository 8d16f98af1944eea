package dev.bastion.controller.kubernetes;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The key sandboxd tokens are derived from, kept in the Secret {@value #SECRET} of the namespace so
 * that every gateway replica uses the same one. The first replica to start makes it; the others
 * read it (a create that loses the race reads the winner's).
 */
public final class SandboxdKey {

  public static final String SECRET = "bastion-sandboxd-key";
  private static final String DATA_KEY = "key";
  private static final int KEY_BYTES = 32;

  private SandboxdKey() {}

  /** Reads the key, or makes and stores one when there is none yet. Blocks. */
  public static byte[] loadOrCreate(KubernetesClient client, String namespace) {
    var secrets = client.secrets().inNamespace(namespace).withName(SECRET);
    Secret existing = secrets.get();
    if (existing != null) {
      return decode(existing);
    }
    byte[] key = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(key);
    Secret fresh =
        new SecretBuilder()
            .withNewMetadata()
            .withName(SECRET)
            .withNamespace(namespace)
            .addToLabels("app.kubernetes.io/managed-by", "bastion")
            .endMetadata()
            .withType("Opaque")
            .withImmutable(true)
            .withData(Map.of(DATA_KEY, Base64.getEncoder().encodeToString(key)))
            .build();
    try {
      client.resource(fresh).create();
      return key;
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      return decode(secrets.get()); // another replica made it first
    }
  }

  private static byte[] decode(Secret secret) {
    String encoded = secret.getData() == null ? null : secret.getData().get(DATA_KEY);
    if (encoded == null) {
      throw new IllegalStateException(
          "the Secret " + SECRET + " has no '" + DATA_KEY + "': delete it and restart Bastion");
    }
    return Base64.getDecoder().decode(encoded);
  }
}
