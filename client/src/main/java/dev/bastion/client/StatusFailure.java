package dev.bastion.client;

import io.vertx.grpc.common.GrpcStatus;

/**
 * The server ended a call with a status other than OK. A carrier between the gRPC layer and {@link
 * Failures}, which turns it into the {@link BastionException} users see; it has no stack trace
 * because the event loop's would say nothing about the caller.
 */
final class StatusFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient GrpcStatus status;

  StatusFailure(GrpcStatus status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  GrpcStatus status() {
    return status;
  }
}
