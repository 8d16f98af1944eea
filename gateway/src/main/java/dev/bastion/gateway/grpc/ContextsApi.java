package dev.bastion.gateway.grpc;

import com.google.protobuf.Descriptors;
import dev.bastion.api.v1.ContextRequest;
import dev.bastion.api.v1.ContextsGrpcClient;
import dev.bastion.api.v1.ContextsGrpcService;
import dev.bastion.api.v1.CreateContextRequest;
import dev.bastion.api.v1.ListContextsRequest;
import dev.bastion.api.v1.RunCodeRequest;
import dev.bastion.controller.policy.ToolCall;
import dev.bastion.gateway.access.Route;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.Service;

/**
 * The Contexts service, forwarded to the sandbox's sandboxd, where each context is a Jupyter
 * kernel. Policies see every cell: {@code code.run} with {@code call.code} and {@code
 * call.language}.
 */
public final class ContextsApi implements Service {

  private final SandboxdForwarder forwarder;

  public ContextsApi(SandboxdForwarder forwarder) {
    this.forwarder = forwarder;
  }

  @Override
  public ServiceName name() {
    return ContextsGrpcService.SERVICE_NAME;
  }

  @Override
  public Descriptors.ServiceDescriptor descriptor() {
    return ContextsGrpcService.SERVICE_DESCRIPTOR;
  }

  @Override
  public void bind(GrpcServer server) {
    forwarder.bind(
        server,
        descriptor(),
        ContextsGrpcService.Create,
        Route.plain(
            ContextsGrpcClient.Create,
            CreateContextRequest::getSandboxId,
            request -> ToolCall.code("context.create", request.getLanguage(), "")));
    forwarder.bind(
        server,
        descriptor(),
        ContextsGrpcService.RunCode,
        Route.plain(
            ContextsGrpcClient.RunCode,
            RunCodeRequest::getSandboxId,
            request -> ToolCall.code("code.run", request.getLanguage(), request.getCode())));
    forwarder.bind(
        server,
        descriptor(),
        ContextsGrpcService.Interrupt,
        Route.plain(
            ContextsGrpcClient.Interrupt,
            ContextRequest::getSandboxId,
            request -> ToolCall.of("context.interrupt")));
    forwarder.bind(
        server,
        descriptor(),
        ContextsGrpcService.Restart,
        Route.plain(
            ContextsGrpcClient.Restart,
            ContextRequest::getSandboxId,
            request -> ToolCall.of("context.restart")));
    forwarder.bind(
        server,
        descriptor(),
        ContextsGrpcService.Delete,
        Route.plain(
            ContextsGrpcClient.Delete,
            ContextRequest::getSandboxId,
            request -> ToolCall.of("context.delete")));
    forwarder.bind(
        server,
        descriptor(),
        ContextsGrpcService.List,
        Route.plain(
            ContextsGrpcClient.List,
            ListContextsRequest::getSandboxId,
            request -> ToolCall.of("context.list")));
  }
}
