package dev.bastion.gateway.grpc;

import com.google.protobuf.Descriptors;
import dev.bastion.api.v1.FileChunk;
import dev.bastion.api.v1.FileInfo;
import dev.bastion.api.v1.FilesGrpcClient;
import dev.bastion.api.v1.FilesGrpcService;
import dev.bastion.api.v1.ListFilesRequest;
import dev.bastion.api.v1.ListFilesResponse;
import dev.bastion.api.v1.MakeDirRequest;
import dev.bastion.api.v1.MoveFileRequest;
import dev.bastion.api.v1.ReadFileRequest;
import dev.bastion.api.v1.RemoveFileRequest;
import dev.bastion.api.v1.StatFileRequest;
import dev.bastion.api.v1.WatchFilesRequest;
import dev.bastion.api.v1.WriteFileRequest;
import dev.bastion.controller.policy.ToolCall;
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
    forwarder.bind(server, descriptor(), FilesGrpcService.Read, read("files.read"));
    forwarder.bind(server, descriptor(), FilesGrpcService.Write, write("files.write"));
    forwarder.bind(server, descriptor(), FilesGrpcService.List, list("files.list"));
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

  /** How a Read is forwarded, decided as the tool {@code tool}. */
  static Route<ReadFileRequest, FileChunk> read(String tool) {
    return Route.transfer(
        FilesGrpcClient.Read,
        ReadFileRequest::getSandboxId,
        request -> ToolCall.onPath(tool, request.getPath(), request.getLimit()),
        (sandbox, limits, request) ->
            request.toBuilder()
                .setLimit(RequestLimits.readBytes(request.getLimit(), limits))
                .build(),
        request -> 0,
        chunk -> chunk.getData().size());
  }

  /** How a Write is forwarded, decided as the tool {@code tool}. */
  static Route<WriteFileRequest, FileInfo> write(String tool) {
    return Route.transfer(
        FilesGrpcClient.Write,
        first -> {
          if (!first.hasHeader()) {
            throw GrpcErrors.invalid("the first Write message must be header");
          }
          return first.getHeader().getSandboxId();
        },
        first -> ToolCall.onPath(tool, first.getHeader().getPath(), 0),
        (sandbox, limits, first) -> first,
        request -> request.hasData() ? request.getData().size() : 0,
        info -> 0);
  }

  /** How a List is forwarded, decided as the tool {@code tool}. */
  static Route<ListFilesRequest, ListFilesResponse> list(String tool) {
    return Route.plain(
        FilesGrpcClient.List,
        ListFilesRequest::getSandboxId,
        request -> ToolCall.onPath(tool, request.getPath(), 0));
  }
}
