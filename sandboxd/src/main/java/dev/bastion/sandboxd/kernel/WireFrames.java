package dev.bastion.sandboxd.kernel;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Jupyter messages as ZeroMQ frames: routing identities, the {@code <IDS|MSG>} delimiter, the
 * signature, then header, parent header, metadata and content as JSON. What the kernel sends is the
 * agent's code speaking, so a message that is unsigned, malformed or oversized is dropped.
 */
final class WireFrames {

  static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);

  private final MessageSigner signer;

  WireFrames(MessageSigner signer) {
    this.signer = signer;
  }

  List<byte[]> encode(JupyterMessage message) {
    List<byte[]> parts =
        List.of(
            bytes(message.header()),
            bytes(message.parentHeader()),
            bytes(message.metadata()),
            bytes(message.content()));
    List<byte[]> frames = new ArrayList<>();
    frames.add(DELIMITER);
    frames.add(signer.sign(parts).getBytes(StandardCharsets.US_ASCII));
    frames.addAll(parts);
    return frames;
  }

  /** The message in {@code frames}, or empty when it is not one this kernel signed. */
  Optional<JupyterMessage> decode(List<byte[]> frames) {
    int delimiter = -1;
    for (int i = 0; i < frames.size(); i++) {
      if (Arrays.equals(frames.get(i), DELIMITER)) {
        delimiter = i;
        break;
      }
    }
    if (delimiter < 0 || frames.size() < delimiter + 6) {
      return Optional.empty();
    }
    List<byte[]> parts = frames.subList(delimiter + 2, delimiter + 6);
    String signature = new String(frames.get(delimiter + 1), StandardCharsets.US_ASCII);
    if (!signer.verify(signature, parts)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new JupyterMessage(
              json(parts.get(0)), json(parts.get(1)), json(parts.get(2)), json(parts.get(3))));
    } catch (DecodeException | ClassCastException e) {
      return Optional.empty();
    }
  }

  private static byte[] bytes(JsonObject json) {
    return json.encode().getBytes(StandardCharsets.UTF_8);
  }

  private static JsonObject json(byte[] frame) {
    return new JsonObject(new String(frame, StandardCharsets.UTF_8));
  }
}
