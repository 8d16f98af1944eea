package dev.bastion.loadtest.bench;

import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcErrorException;
import io.vertx.grpc.common.GrpcStatus;
import java.net.ConnectException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How one call ended: its gRPC status and, unless OK, the message; named the way ghz names them
 * (Go's {@code codes.Code} names, and {@code rpc error: code = X desc = Y}) so reports compare.
 */
record CallOutcome(GrpcStatus status, String message) {

  static final CallOutcome OK = new CallOutcome(GrpcStatus.OK, "");
  static final CallOutcome DEADLINE_EXCEEDED =
      new CallOutcome(GrpcStatus.DEADLINE_EXCEEDED, "context deadline exceeded");
  static final CallOutcome CANCELED = new CallOutcome(GrpcStatus.CANCELLED, "context canceled");

  static CallOutcome of(GrpcStatus status, String message) {
    return status == GrpcStatus.OK ? OK : new CallOutcome(status, message == null ? "" : message);
  }

  /** A call that failed in the client or on the connection, not with a status from the server. */
  static CallOutcome of(Throwable failure) {
    if (failure instanceof GrpcErrorException reset) {
      return of(reset.status(), "stream reset (" + reset.error() + ")");
    }
    if (failure instanceof InvalidStatusException status) {
      return of(status.actualStatus(), "");
    }
    String message = failure.getMessage() != null ? failure.getMessage() : failure.toString();
    if (failure instanceof ConnectException) {
      return of(GrpcStatus.UNAVAILABLE, "connection error: " + message);
    }
    return of(GrpcStatus.UNAVAILABLE, message);
  }

  boolean ok() {
    return status == GrpcStatus.OK;
  }

  /** Go's name of the code: {@code OK}, {@code NotFound}, {@code Canceled}, ... */
  String statusName() {
    return name(status);
  }

  static String name(GrpcStatus status) {
    return switch (status) {
      case OK -> "OK";
      case CANCELLED -> "Canceled";
      default ->
          Arrays.stream(status.name().split("_"))
              .map(word -> word.charAt(0) + word.substring(1).toLowerCase(Locale.ROOT))
              .collect(Collectors.joining());
    };
  }

  /** As ghz's error distribution lists it; empty for OK. */
  String error() {
    return ok() ? "" : "rpc error: code = " + statusName() + " desc = " + message;
  }
}
