package dev.bastion.gateway.grpc;

import com.google.protobuf.Descriptors;
import dev.bastion.api.v1.FilesGrpcClient;
import dev.bastion.api.v1.FilesGrpcService;
import dev.bastion.api.v1.ListFilesRequest;
import dev.bastion.api.v1.MakeDirRequest;
import dev.bastion.api.v1.MoveFileRequest;
import dev.bastion.api.v1.ReadFileRequest;
import dev.bastion.api.v1.RemoveFileRequest;
import dev.bastion.api.v1.StatFileRequest;
import dev.bastion.api.v1.WatchFilesRequest;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.Service;

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

  @Override
  public void bind(GrpcServer server) {
    forwarder.bind(
        server,
        FilesGrpcService.Read,
        Route.plain(FilesGrpcClient.Read, ReadFileRequest::getSandboxId));
    forwarder.bind(
        server,
        FilesGrpcService.Write,
        Route.plain(
            FilesGrpcClient.Write,
            first -> {
              if (!first.hasHeader()) {
                throw GrpcErrors.invalid("the first Write message must be header");
              }
              return first.getHeader().getSandboxId();
            }));
    forwarder.bind(
        server,
        FilesGrpcService.List,
        Route.plain(FilesGrpcClient.List, ListFilesRequest::getSandboxId));
    forwarder.bind(
        server,
        FilesGrpcService.Stat,
        Route.plain(FilesGrpcClient.Stat, StatFileRequest::getSandboxId));
    forwarder.bind(
        server,
        FilesGrpcService.Remove,
        Route.plain(FilesGrpcClient.Remove, RemoveFileRequest::getSandboxId));
    forwarder.bind(
        server,
        FilesGrpcService.MakeDir,
        Route.plain(FilesGrpcClient.MakeDir, MakeDirRequest::getSandboxId));
    forwarder.bind(
        server,
        FilesGrpcService.Move,
        Route.plain(FilesGrpcClient.Move, MoveFileRequest::getSandboxId));
    forwarder.bind(
        server,
        FilesGrpcService.Watch,
        Route.plain(FilesGrpcClient.Watch, WatchFilesRequest::getSandboxId));
  }
}
