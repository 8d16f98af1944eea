package dev.bastion.gateway.grpc;

import dev.bastion.api.grpc.StatusMessages;
import dev.bastion.gateway.status.CallStatus;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerResponse;
import io.vertx.grpc.server.StatusException;

/**
 * Ends a gRPC call with a status and a one-line message, the status being what {@link CallStatus}
 * makes of the failure.
 */
public final class GrpcErrors {

  /**
   * The longest status message sent. Messages name what the caller sent (a path, an id), and a
   * grpc-message header past the client's header limit (8 KiB in grpc-java) breaks the call with a
   * protocol error instead of telling the caller anything.
   */
  static final int MAX_MESSAGE_CHARS = 512;

  private GrpcErrors() {}

  /** Ends {@code response} with the status that {@code failure} stands for. */
  public static void fail(GrpcServerResponse<?, ?> response, Throwable failure) {
    StatusException status = CallStatus.of(failure);
    try {
      StatusMessages.end(response, status.status(), bounded(status.message()));
    } catch (IllegalStateException alreadyEnded) {
      // The call ended first (e.g. the client cancelled): nobody is left to tell.
    }
  }

  /** {@code message}, cut to {@link #MAX_MESSAGE_CHARS} with an ellipsis when longer. */
  static String bounded(String message) {
    if (message == null || message.length() <= MAX_MESSAGE_CHARS) {
      return message;
    }
    return message.substring(0, MAX_MESSAGE_CHARS - 1) + "\u2026";
  }

  public static StatusException unauthenticated() {
    return new StatusException(
        GrpcStatus.UNAUTHENTICATED,
        "missing or unknown bearer token (authorization: Bearer <token>)");
  }
}
