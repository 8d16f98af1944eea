package dev.bastion.gateway.grpc;

import com.google.protobuf.Descriptors;
import dev.bastion.api.v1.FilesGrpcClient;
import dev.bastion.api.v1.FilesGrpcService;
import dev.bastion.api.v1.MakeDirRequest;
import dev.bastion.api.v1.MoveFileRequest;
import dev.bastion.api.v1.RemoveFileRequest;
import dev.bastion.api.v1.StatFileRequest;
import dev.bastion.api.v1.WatchFilesRequest;
import dev.bastion.controller.policy.ToolCall;
import dev.bastion.gateway.access.FileRoutes;
import dev.bastion.gateway.access.Route;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.Service;
import java.util.List;

/** The Files service, forwarded to the sandbox's sandboxd, which confines paths to /workspace. */
public final class FilesApi implements Service {

  private final SandboxdForwarder forwarder;

  public FilesApi(SandboxdForwarder forwarder) {
    this.forwarder = forwarder;
  }

  @Override
  public ServiceName name() {
    return FilesGrpcService.SERVICE_NAME;
  }

  @Override
  public Descriptors.ServiceDescriptor descriptor() {
    return FilesGrpcService.SERVICE_DESCRIPTOR;
  }

  /**
   * Each method is decided as one of the Files tools, named for what it reveals or changes: Stat
   * and Watch reveal what List does, MakeDir writes, and Move removes its source and writes its
   * destination, so a rule about either path holds for a move too.
   */
  @Override
  public void bind(GrpcServer server) {
    forwarder.bind(server, descriptor(), FilesGrpcService.Read, FileRoutes.read("files.read"));
    forwarder.bind(server, descriptor(), FilesGrpcService.Write, FileRoutes.write("files.write"));
    forwarder.bind(server, descriptor(), FilesGrpcService.List, FileRoutes.list("files.list"));
    forwarder.bind(
        server,
        descriptor(),
        FilesGrpcService.Stat,
        Route.plain(
            FilesGrpcClient.Stat,
            StatFileRequest::getSandboxId,
            request -> ToolCall.onPath("files.list", request.getPath(), 0)));
    forwarder.bind(
        server,
        descriptor(),
        FilesGrpcService.Remove,
        Route.plain(
            FilesGrpcClient.Remove,
            RemoveFileRequest::getSandboxId,
            request -> ToolCall.onPath("files.remove", request.getPath(), 0)));
    forwarder.bind(
        server,
        descriptor(),
        FilesGrpcService.MakeDir,
        Route.plain(
            FilesGrpcClient.MakeDir,
            MakeDirRequest::getSandboxId,
            request -> ToolCall.onPath("files.write", request.getPath(), 0)));
    forwarder.bind(
        server,
        descriptor(),
        FilesGrpcService.Move,
        Route.plainMaking(
            FilesGrpcClient.Move,
            MoveFileRequest::getSandboxId,
            request ->
                List.of(
                    ToolCall.onPath("files.remove", request.getSource(), 0),
                    ToolCall.onPath("files.write", request.getDestination(), 0))));
    forwarder.bind(
        server,
        descriptor(),
        FilesGrpcService.Watch,
        Route.plain(
            FilesGrpcClient.Watch,
            WatchFilesRequest::getSandboxId,
            request -> ToolCall.onPath("files.list", request.getPath(), 0)));
  }
}
