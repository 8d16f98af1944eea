package dev.bastion.gateway.grpc;

import dev.bastion.api.grpc.StatusMessages;
import dev.bastion.controller.sandbox.SandboxError;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerResponse;
import io.vertx.grpc.server.StatusException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Ends a call with a status and a one-line message. Failures we did not expect are logged here and
 * reach the caller as INTERNAL with no detail, so nothing internal leaks onto the wire.
 */
public final class GrpcErrors {

  private static final Logger LOG = Logger.getLogger(GrpcErrors.class.getName());

  /**
   * The longest status message sent. Messages name what the caller sent (a path, an id), and a
   * grpc-message header past the client's header limit (8 KiB in grpc-java) breaks the call with a
   * protocol error instead of telling the caller anything.
   */
  static final int MAX_MESSAGE_CHARS = 512;

  private GrpcErrors() {}

  /** Ends {@code response} with the status that {@code failure} stands for. */
  public static void fail(GrpcServerResponse<?, ?> response, Throwable failure) {
    StatusException status = toStatus(failure);
    try {
      StatusMessages.end(response, status.status(), bounded(status.message()));
    } catch (IllegalStateException alreadyEnded) {
      // The call ended first (e.g. the client cancelled): nobody is left to tell.
    }
  }

  /** The status and message that {@code failure} stands for. */
  public static StatusException toStatus(Throwable failure) {
    if (failure instanceof StatusException status) {
      return status;
    }
    if (failure instanceof SandboxError error) {
      return new StatusException(statusOf(error.kind()), error.getMessage());
    }
    LOG.log(Level.WARNING, "unexpected failure in a call", failure);
    return new StatusException(GrpcStatus.INTERNAL, "internal error");
  }

  /** {@code message}, cut to {@link #MAX_MESSAGE_CHARS} with an ellipsis when longer. */
  static String bounded(String message) {
    if (message == null || message.length() <= MAX_MESSAGE_CHARS) {
      return message;
    }
    return message.substring(0, MAX_MESSAGE_CHARS - 1) + "\u2026";
  }

  static GrpcStatus statusOf(SandboxError.Kind kind) {
    return switch (kind) {
      case NOT_FOUND -> GrpcStatus.NOT_FOUND;
      case PERMISSION_DENIED -> GrpcStatus.PERMISSION_DENIED;
      case ALREADY_EXISTS -> GrpcStatus.ALREADY_EXISTS;
      case INVALID_ARGUMENT -> GrpcStatus.INVALID_ARGUMENT;
      case FAILED_PRECONDITION -> GrpcStatus.FAILED_PRECONDITION;
      case RESOURCE_EXHAUSTED -> GrpcStatus.RESOURCE_EXHAUSTED;
      case UNAVAILABLE -> GrpcStatus.UNAVAILABLE;
    };
  }

  public static StatusException unauthenticated() {
    return new StatusException(
        GrpcStatus.UNAUTHENTICATED,
        "missing or unknown bearer token (authorization: Bearer <token>)");
  }

  public static StatusException invalid(String message) {
    return new StatusException(GrpcStatus.INVALID_ARGUMENT, message);
  }
}
