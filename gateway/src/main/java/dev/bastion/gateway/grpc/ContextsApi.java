package dev.bastion.gateway.grpc;

import com.google.protobuf.Descriptors;
import dev.bastion.api.v1.ContextsGrpcService;
import dev.bastion.gateway.access.ContextRoutes;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.Service;

/**
 * The Contexts service, forwarded to the sandbox's sandboxd, where each context is a Jupyter
 * kernel. Policies see every cell: {@code code.run} with {@code call.code} and {@code
 * call.language}; a cell's timeout is held to maxExecSeconds.
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
        server, descriptor(), ContextsGrpcService.Create, ContextRoutes.create("context.create"));
    forwarder.bind(
        server, descriptor(), ContextsGrpcService.RunCode, ContextRoutes.runCode("code.run", 0));
    forwarder.bind(server, descriptor(), ContextsGrpcService.Interrupt, ContextRoutes.interrupt());
    forwarder.bind(
        server,
        descriptor(),
        ContextsGrpcService.Restart,
        ContextRoutes.restart("context.restart"));
    forwarder.bind(server, descriptor(), ContextsGrpcService.Delete, ContextRoutes.delete());
    forwarder.bind(server, descriptor(), ContextsGrpcService.List, ContextRoutes.list());
  }
}
