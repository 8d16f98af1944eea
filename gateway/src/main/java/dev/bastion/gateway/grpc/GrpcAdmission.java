package dev.bastion.gateway.grpc;

import dev.bastion.api.grpc.StatusMessages;
import dev.bastion.gateway.auth.Authenticator;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.util.Locale;
import java.util.Set;

/**
 * What the gateway takes of gRPC before its gRPC library sees a request: protobuf messages,
 * uncompressed, from a known tenant. Vert.x's gRPC server would also take JSON messages and gzip,
 * and both let a caller spend the gateway's memory or stack before it is authenticated: gzip is
 * inflated without a bound (64 KiB became a 64 MiB message, past the 4 MiB limit), an unknown
 * encoding leaves the call unanswered, and deeply nested JSON overflows the stack. No Bastion
 * client needs either.
 *
 * <p>The caller is authenticated here, from the headers alone: a call without a known token is
 * answered UNAUTHENTICATED before any of its messages is read or buffered, so a stream that never
 * authenticates costs the gateway nothing to hold. Health checks and reflection stay open, as
 * probes and tools expect.
 */
public final class GrpcAdmission {

  private static final Set<String> OPEN_SERVICES =
      Set.of("/grpc.health.v1.Health/", "/grpc.reflection.v1.ServerReflection/");

  private static final Set<String> PROTOBUF =
      Set.of(
          "application/grpc",
          "application/grpc+proto",
          "application/grpc-web",
          "application/grpc-web+proto",
          "application/grpc-web-text",
          "application/grpc-web-text+proto");

  private final Authenticator authenticator;

  public GrpcAdmission(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  /**
   * Whether {@code request}, whose content type starts with application/grpc, may go on to the gRPC
   * server; when not, it has been answered: UNIMPLEMENTED, as gRPC answers an encoding it does not
   * support, or UNAUTHENTICATED.
   */
  public boolean admit(HttpServerRequest request) {
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
    if (!isOpen(request.path())
        && authenticator.authenticate(request.getHeader("authorization")).isEmpty()) {
      StatusException refusal = GrpcErrors.unauthenticated();
      refuse(request, refusal.status(), refusal.message());
      return false;
    }
    return true;
  }

  private static boolean isOpen(String path) {
    return path != null && OPEN_SERVICES.stream().anyMatch(path::startsWith);
  }

  private static void refuse(HttpServerRequest request, String message) {
    refuse(request, GrpcStatus.UNIMPLEMENTED, message);
  }

  private static void refuse(HttpServerRequest request, GrpcStatus status, String message) {
    request
        .response()
        .putHeader("content-type", "application/grpc")
        .putHeader("grpc-accept-encoding", "identity")
        .putHeader("grpc-status", Integer.toString(status.code))
        .putHeader("grpc-message", StatusMessages.encode(GrpcErrors.bounded(message)))
        .end();
  }
}
