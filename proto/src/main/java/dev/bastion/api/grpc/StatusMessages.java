package dev.bastion.api.grpc;

import io.vertx.grpc.client.GrpcClientResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The message of a gRPC status as a Vert.x client received it. Vert.x 5.0's {@code
 * GrpcClientResponse.statusMessage()} looks in the headers only, where a trailers-only answer (an
 * error before any message) puts it; an error after messages puts it in the trailers, and would be
 * lost. Shared by the gateway (relaying sandboxd's errors) and the SDK.
 */
public final class StatusMessages {

  private static final String GRPC_MESSAGE = "grpc-message";

  private StatusMessages() {}

  /** The ended response's status message, decoded; empty when it has none. */
  public static String of(GrpcClientResponse<?, ?> response) {
    String raw = response.headers().get(GRPC_MESSAGE);
    if (raw == null && response.trailers() != null) {
      raw = response.trailers().get(GRPC_MESSAGE);
    }
    return decode(raw);
  }

  /**
   * A {@code grpc-message} as sent: percent-encoded UTF-8, where a '+' is a plus and not a space; a
   * malformed one is kept as it came rather than lost.
   */
  public static String decode(String raw) {
    if (raw == null) {
      return "";
    }
    try {
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return raw;
    }
  }
}
