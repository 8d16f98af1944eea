package dev.bastion.sandboxd;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.grpc.common.GrpcStatus;

/**
 * Lets a request through to the gRPC services only when it carries the sandbox's bearer token; any
 * other gets UNAUTHENTICATED before a service sees it. The answer is the same whether the token is
 * missing or wrong, so it tells a caller nothing.
 */
final class TokenGate implements Handler<HttpServerRequest> {

  static final String REFUSAL = "a valid bearer token is required";

  private final BearerToken token;
  private final Handler<HttpServerRequest> services;

  TokenGate(BearerToken token, Handler<HttpServerRequest> services) {
    this.token = token;
    this.services = services;
  }

  @Override
  public void handle(HttpServerRequest request) {
    if (token.matches(request.getHeader(BearerToken.HEADER))) {
      services.handle(request);
      return;
    }
    // A gRPC "trailers-only" response: HTTP 200 whose only headers carry the status.
    request
        .response()
        .putHeader("content-type", "application/grpc")
        .putHeader("grpc-status", String.valueOf(GrpcStatus.UNAUTHENTICATED.code))
        .putHeader("grpc-message", REFUSAL)
        .end();
  }
}
