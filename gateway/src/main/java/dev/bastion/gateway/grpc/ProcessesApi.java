package dev.bastion.gateway.grpc;

import com.google.protobuf.Descriptors;
import dev.bastion.api.v1.ConnectRequest;
import dev.bastion.api.v1.ListProcessesRequest;
import dev.bastion.api.v1.ProcessesGrpcClient;
import dev.bastion.api.v1.ProcessesGrpcService;
import dev.bastion.api.v1.SignalRequest;
import dev.bastion.controller.policy.ToolCall;
import dev.bastion.gateway.access.ProcessRoutes;
import dev.bastion.gateway.access.Route;
import dev.bastion.gateway.metrics.StreamKind;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.Service;

/** The Processes service, forwarded to the sandbox's sandboxd. */
public final class ProcessesApi implements Service {

  private final SandboxdForwarder forwarder;

  public ProcessesApi(SandboxdForwarder forwarder) {
    this.forwarder = forwarder;
  }

  @Override
  public ServiceName name() {
    return ProcessesGrpcService.SERVICE_NAME;
  }

  @Override
  public Descriptors.ServiceDescriptor descriptor() {
    return ProcessesGrpcService.SERVICE_DESCRIPTOR;
  }

  @Override
  public void bind(GrpcServer server) {
    forwarder.bind(
        server,
        descriptor(),
        ProcessesGrpcService.Exec,
        ProcessRoutes.exec("process.exec", StreamKind.EXEC, 0));
    forwarder.bind(
        server, descriptor(), ProcessesGrpcService.Run, ProcessRoutes.run("process.run", 0));
    forwarder.bind(
        server,
        descriptor(),
        ProcessesGrpcService.Connect,
        Route.plain(
            ProcessesGrpcClient.Connect,
            ConnectRequest::getSandboxId,
            request -> ToolCall.of("process.connect")));
    forwarder.bind(
        server,
        descriptor(),
        ProcessesGrpcService.List,
        Route.plain(
            ProcessesGrpcClient.List,
            ListProcessesRequest::getSandboxId,
            request -> ToolCall.of("process.list")));
    forwarder.bind(
        server,
        descriptor(),
        ProcessesGrpcService.Signal,
        Route.plain(
            ProcessesGrpcClient.Signal,
            SignalRequest::getSandboxId,
            request -> ToolCall.of("process.signal")));
  }
}
