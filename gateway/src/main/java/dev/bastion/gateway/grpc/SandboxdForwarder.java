package dev.bastion.gateway.grpc;

import com.google.protobuf.Descriptors;
import dev.bastion.controller.sandbox.SandboxService;
import dev.bastion.gateway.policy.ToolGate;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServer;

/** Relays calls to the sandboxd of the caller's sandbox; see {@link ForwardedCall}. */
public final class SandboxdForwarder {

  private final GrpcClient client;
  private final SandboxService sandboxes;
  private final CallerTenant callers;
  private final ToolGate gate;

  public SandboxdForwarder(
      GrpcClient client, SandboxService sandboxes, CallerTenant callers, ToolGate gate) {
    this.client = client;
    this.sandboxes = sandboxes;
    this.callers = callers;
    this.gate = gate;
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
        request ->
            new ForwardedCall<>(request, route, oneRequest, client, sandboxes, callers, gate)
                .start());
  }
}
