package dev.bastion.gateway.access;

import dev.bastion.api.v1.FileChunk;
import dev.bastion.api.v1.FileInfo;
import dev.bastion.api.v1.FilesGrpcClient;
import dev.bastion.api.v1.ListFilesRequest;
import dev.bastion.api.v1.ListFilesResponse;
import dev.bastion.api.v1.ReadFileRequest;
import dev.bastion.api.v1.WriteFileRequest;
import dev.bastion.controller.policy.ToolCall;
import dev.bastion.gateway.status.CallStatus;

/**
 * The routes of the Files methods that move content or list it, shared by the gRPC front end, which
 * forwards them, and the gateway's own calls (MCP tools, the console), which make them.
 */
public final class FileRoutes {

  private FileRoutes() {}

  /** How a Read is forwarded, decided as the tool {@code tool}. */
  public static Route<ReadFileRequest, FileChunk> read(String tool) {
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
  public static Route<WriteFileRequest, FileInfo> write(String tool) {
    return Route.transfer(
        FilesGrpcClient.Write,
        first -> {
          if (!first.hasHeader()) {
            throw CallStatus.invalid("the first Write message must be header");
          }
          return first.getHeader().getSandboxId();
        },
        first -> ToolCall.onPath(tool, first.getHeader().getPath(), 0),
        (sandbox, limits, first) -> first,
        request -> request.hasData() ? request.getData().size() : 0,
        info -> 0);
  }

  /** How a List is forwarded, decided as the tool {@code tool}. */
  public static Route<ListFilesRequest, ListFilesResponse> list(String tool) {
    return Route.plain(
        FilesGrpcClient.List,
        ListFilesRequest::getSandboxId,
        request -> ToolCall.onPath(tool, request.getPath(), 0));
  }
}
