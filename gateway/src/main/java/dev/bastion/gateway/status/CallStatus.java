package dev.bastion.gateway.status;

import dev.bastion.controller.sandbox.SandboxError;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The status and one-line message a failed call stands for, whichever front end reports it (a gRPC
 * status, a JSON error, an MCP tool error, a terminal's close reason), so a caller sees the same
 * refusal everywhere. Failures we did not expect are logged here and become INTERNAL with no
 * detail, so nothing internal leaks to the caller.
 */
public final class CallStatus {

  private static final Logger LOG = Logger.getLogger(CallStatus.class.getName());

  private CallStatus() {}

  /** The status and message that {@code failure} stands for. */
  public static StatusException of(Throwable failure) {
    if (failure instanceof StatusException status) {
      return status;
    }
    if (failure instanceof SandboxError error) {
      return new StatusException(statusOf(error.kind()), error.getMessage());
    }
    LOG.log(Level.WARNING, "unexpected failure in a call", failure);
    return new StatusException(GrpcStatus.INTERNAL, "internal error");
  }

  /** INVALID_ARGUMENT with {@code message}. */
  public static StatusException invalid(String message) {
    return new StatusException(GrpcStatus.INVALID_ARGUMENT, message);
  }

  private static GrpcStatus statusOf(SandboxError.Kind kind) {
    return switch (kind) {
      case NOT_FOUND -> GrpcStatus.NOT_FOUND;
      case PERMISSION_DENIED -> GrpcStatus.PERMISSION_DENIED;
      case ALREADY_EXISTS -> GrpcStatus.ALREADY_EXISTS;
      case INVALID_ARGUMENT -> GrpcStatus.INVALID_ARGUMENT;
      case FAILED_PRECONDITION -> GrpcStatus.FAILED_PRECONDITION;
      case RESOURCE_EXHAUSTED -> GrpcStatus.RESOURCE_EXHAUSTED;
      case UNAVAILABLE -> GrpcStatus.UNAVAILABLE;
      case UNIMPLEMENTED -> GrpcStatus.UNIMPLEMENTED;
    };
  }
}
