package dev.bastion.client;

import dev.bastion.client.BastionException.Code;
import io.vertx.core.http.HttpClosedException;
import io.vertx.grpc.common.GrpcErrorException;
import io.vertx.grpc.common.GrpcStatus;
import java.io.IOException;

/** Turns whatever a call failed with into the one exception type the SDK throws. */
final class Failures {

  private Failures() {}

  static BastionException of(Throwable failure) {
    if (failure instanceof BastionException known) {
      return known;
    }
    if (failure instanceof StatusFailure status) {
      return new BastionException(code(status.status()), status.getMessage());
    }
    if (failure instanceof GrpcErrorException reset) {
      return new BastionException(
          code(reset.status()), "the call was reset on the way (" + reset.status() + ")", reset);
    }
    if (failure instanceof HttpClosedException || failure instanceof IOException) {
      return new BastionException(
          Code.UNAVAILABLE, "lost the connection to the server: " + failure.getMessage(), failure);
    }
    return new BastionException(Code.UNKNOWN, String.valueOf(failure), failure);
  }

  static Code code(GrpcStatus status) {
    return status == GrpcStatus.OK ? Code.UNKNOWN : Code.valueOf(status.name());
  }
}
