package dev.bastion.sandboxd.kernel;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC-SHA256 signature the protocol puts on every message, over its header, parent header,
 * metadata and content frames, with the key of the kernel's connection file.
 */
final class MessageSigner {

  private final SecretKeySpec key;

  MessageSigner(String key) {
    this.key = new SecretKeySpec(key.getBytes(StandardCharsets.US_ASCII), "HmacSHA256");
  }

  String sign(List<byte[]> frames) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      for (byte[] frame : frames) {
        mac.update(frame);
      }
      return HexFormat.of().formatHex(mac.doFinal());
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }

  /** Whether {@code signature} signs {@code frames}, compared in constant time. */
  boolean verify(String signature, List<byte[]> frames) {
    return MessageDigest.isEqual(
        sign(frames).getBytes(StandardCharsets.US_ASCII),
        signature.getBytes(StandardCharsets.US_ASCII));
  }
}
