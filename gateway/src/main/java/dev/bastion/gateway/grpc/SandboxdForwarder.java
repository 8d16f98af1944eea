package dev.bastion.gateway.grpc;

import com.google.protobuf.Descriptors;
import dev.bastion.gateway.access.Route;
import dev.bastion.gateway.access.SandboxdAccess;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServer;

/** Relays calls to the sandboxd of the caller's sandbox; see {@link ForwardedCall}. */
public final class SandboxdForwarder {

  private final SandboxdAccess access;
  private final CallerTenant callers;

  public SandboxdForwarder(SandboxdAccess access, CallerTenant callers) {
    this.access = access;
    this.callers = callers;
  }

  /** Serves {@code method} of {@code service} by relaying each call along {@code route}. */
  <Req, Resp> void bind(
      GrpcServer server,
      Descriptors.ServiceDescriptor service,
      ServiceMethod<Req, Resp> method,
      Route<Req, Resp> route) {
    boolean oneRequest = !service.findMethodByName(method.methodName()).isClientStreaming();
    server.callHandler(
        Undecodable.asNull(method),
        request -> new ForwardedCall<>(request, route, oneRequest, access, callers).start());
  }
}
