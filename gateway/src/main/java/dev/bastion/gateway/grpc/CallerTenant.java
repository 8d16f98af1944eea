package dev.bastion.gateway.grpc;

import dev.bastion.gateway.auth.Authenticator;
import dev.bastion.gateway.auth.Tenant;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.StatusException;

/** Finds the tenant behind a gRPC call from its {@code authorization} metadata. */
public final class CallerTenant {

  private final Authenticator authenticator;

  public CallerTenant(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  /** The caller's tenant; a {@link StatusException} UNAUTHENTICATED when there is none. */
  public Tenant of(GrpcServerRequest<?, ?> request) {
    return authenticator
        .authenticate(request.headers().get("authorization"))
        .orElseThrow(GrpcErrors::unauthenticated);
  }
}
