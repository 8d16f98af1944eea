package dev.bastion.api.grpc;

import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The message of a gRPC status as a Vert.x client received it. Vert.x 5.0's {@code
 * GrpcClientResponse.statusMessage()} looks in the headers only, where a trailers-only answer (an
 * error before any message) puts it; an error after messages puts it in the trailers, and would be
 * lost. Shared by the gateway (relaying sandboxd's errors) and the SDK.
 *
 * <p>Sending, it encodes as the gRPC spec asks: only bytes outside printable ASCII, and '%'. Vert.x
 * 5.0 encodes with {@code URLEncoder}, which also turns '/', ':' and the like into escapes, and
 * grpc-js decodes with {@code decodeURI}, which leaves those escapes alone: a Node client saw
 * {@code path %2Fetc%2Fpasswd is outside %2Fworkspace}.
 */
public final class StatusMessages {

  private static final String GRPC_MESSAGE = "grpc-message";
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private StatusMessages() {}

  /**
   * Ends {@code response} with {@code status} and {@code message}, the message encoded as the spec
   * asks. Vert.x writes its own encoding only when no grpc-message is there yet, and copies a
   * response's trailers into the headers of a trailers-only answer, so one place serves both.
   */
  public static void end(GrpcServerResponse<?, ?> response, GrpcStatus status, String message) {
    if (message != null && !message.isEmpty() && status != GrpcStatus.OK) {
      response.trailers().set(GRPC_MESSAGE, encode(message));
    }
    response.status(status).end();
  }

  /** {@code message} as a grpc-message value: UTF-8, printable ASCII but '%' kept as it is. */
  public static String encode(String message) {
    StringBuilder out = new StringBuilder(message.length());
    for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
      if (b >= 0x20 && b <= 0x7e && b != '%') {
        out.append((char) b);
      } else {
        out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
      }
    }
    return out.toString();
  }

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
