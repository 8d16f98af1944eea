package dev.bastion.gateway.grpc;

import dev.bastion.api.grpc.StatusMessages;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.grpc.common.GrpcStatus;
import java.util.Locale;
import java.util.Set;

/**
 * What the gateway takes of gRPC before its gRPC library sees a request: protobuf messages,
 * uncompressed. Vert.x's gRPC server would also take JSON messages and gzip, and both let a caller
 * spend the gateway's memory or stack before it is authenticated: gzip is inflated without a bound
 * (64 KiB became a 64 MiB message, past the 4 MiB limit), an unknown encoding leaves the call
 * unanswered, and deeply nested JSON overflows the stack. No Bastion client needs either.
 */
public final class GrpcAdmission {

  private static final Set<String> PROTOBUF =
      Set.of(
          "application/grpc",
          "application/grpc+proto",
          "application/grpc-web",
          "application/grpc-web+proto",
          "application/grpc-web-text",
          "application/grpc-web-text+proto");

  private GrpcAdmission() {}

  /**
   * Whether {@code request}, whose content type starts with application/grpc, may go on to the gRPC
   * server; when not, it has been answered UNIMPLEMENTED, as gRPC answers an encoding it does not
   * support.
   */
  public static boolean admit(HttpServerRequest request) {
    String type = request.getHeader("content-type").split(";", 2)[0].strip();
    if (!PROTOBUF.contains(type.toLowerCase(Locale.ROOT))) {
      refuse(request, "only protobuf messages are served (application/grpc), not " + type);
      return false;
    }
    String encoding = request.getHeader("grpc-encoding");
    if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
      refuse(request, "compressed messages are not accepted (grpc-encoding " + encoding + ")");
      return false;
    }
    return true;
  }

  private static void refuse(HttpServerRequest request, String message) {
    request
        .response()
        .putHeader("content-type", "application/grpc")
        .putHeader("grpc-accept-encoding", "identity")
        .putHeader("grpc-status", Integer.toString(GrpcStatus.UNIMPLEMENTED.code))
        .putHeader("grpc-message", StatusMessages.encode(GrpcErrors.bounded(message)))
        .end();
  }
}
