package dev.bastion.gateway.it;

import com.google.protobuf.Message;
import dev.bastion.api.v1.ConnectRequest;
import dev.bastion.api.v1.CreateSandboxRequest;
import dev.bastion.api.v1.DeleteSandboxRequest;
import dev.bastion.api.v1.DeleteSandboxResponse;
import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.ExecRequest;
import dev.bastion.api.v1.FileChunk;
import dev.bastion.api.v1.FileEvent;
import dev.bastion.api.v1.FileInfo;
import dev.bastion.api.v1.GetSandboxRequest;
import dev.bastion.api.v1.ListFilesRequest;
import dev.bastion.api.v1.ListFilesResponse;
import dev.bastion.api.v1.ListProcessesRequest;
import dev.bastion.api.v1.ListProcessesResponse;
import dev.bastion.api.v1.ListSandboxesRequest;
import dev.bastion.api.v1.ListSandboxesResponse;
import dev.bastion.api.v1.MakeDirRequest;
import dev.bastion.api.v1.MoveFileRequest;
import dev.bastion.api.v1.ReadFileRequest;
import dev.bastion.api.v1.RemoveFileRequest;
import dev.bastion.api.v1.RemoveFileResponse;
import dev.bastion.api.v1.ResumeSandboxRequest;
import dev.bastion.api.v1.RunRequest;
import dev.bastion.api.v1.RunResult;
import dev.bastion.api.v1.Sandbox;
import dev.bastion.api.v1.SignalRequest;
import dev.bastion.api.v1.SignalResponse;
import dev.bastion.api.v1.StatFileRequest;
import dev.bastion.api.v1.SuspendSandboxRequest;
import dev.bastion.api.v1.WatchFilesRequest;
import dev.bastion.api.v1.WriteFileRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's API through grpc-java, a gRPC implementation other than the gateway's own, with
 * method descriptors made from the proto messages (no generated grpc-java stubs needed).
 */
final class Api implements AutoCloseable {

  static final MethodDescriptor<CreateSandboxRequest, Sandbox> CREATE =
      method(
          "bastion.v1.Sandboxes/Create",
          MethodDescriptor.MethodType.UNARY,
          CreateSandboxRequest.getDefaultInstance(),
          Sandbox.getDefaultInstance());
  static final MethodDescriptor<GetSandboxRequest, Sandbox> GET =
      method(
          "bastion.v1.Sandboxes/Get",
          MethodDescriptor.MethodType.UNARY,
          GetSandboxRequest.getDefaultInstance(),
          Sandbox.getDefaultInstance());
  static final MethodDescriptor<ListSandboxesRequest, ListSandboxesResponse> LIST =
      method(
          "bastion.v1.Sandboxes/List",
          MethodDescriptor.MethodType.UNARY,
          ListSandboxesRequest.getDefaultInstance(),
          ListSandboxesResponse.getDefaultInstance());
  static final MethodDescriptor<DeleteSandboxRequest, DeleteSandboxResponse> DELETE =
      method(
          "bastion.v1.Sandboxes/Delete",
          MethodDescriptor.MethodType.UNARY,
          DeleteSandboxRequest.getDefaultInstance(),
          DeleteSandboxResponse.getDefaultInstance());
  static final MethodDescriptor<dev.bastion.api.v1.RunCodeRequest, dev.bastion.api.v1.CodeEvent>
      RUN_CODE =
          method(
              "bastion.v1.Contexts/RunCode",
              MethodDescriptor.MethodType.SERVER_STREAMING,
              dev.bastion.api.v1.RunCodeRequest.getDefaultInstance(),
              dev.bastion.api.v1.CodeEvent.getDefaultInstance());
  static final MethodDescriptor<dev.bastion.api.v1.ContextRequest, dev.bastion.api.v1.CodeContext>
      INTERRUPT_CONTEXT = contextCall("Interrupt");
  static final MethodDescriptor<
          dev.bastion.api.v1.CreateContextRequest, dev.bastion.api.v1.CodeContext>
      CREATE_CONTEXT =
          method(
              "bastion.v1.Contexts/Create",
              MethodDescriptor.MethodType.UNARY,
              dev.bastion.api.v1.CreateContextRequest.getDefaultInstance(),
              dev.bastion.api.v1.CodeContext.getDefaultInstance());
  static final MethodDescriptor<dev.bastion.api.v1.ContextRequest, dev.bastion.api.v1.CodeContext>
      RESTART_CONTEXT = contextCall("Restart");
  static final MethodDescriptor<RunRequest, RunResult> RUN =
      method(
          "bastion.v1.Processes/Run",
          MethodDescriptor.MethodType.UNARY,
          RunRequest.getDefaultInstance(),
          RunResult.getDefaultInstance());
  static final MethodDescriptor<ExecRequest, ExecEvent> EXEC =
      method(
          "bastion.v1.Processes/Exec",
          MethodDescriptor.MethodType.BIDI_STREAMING,
          ExecRequest.getDefaultInstance(),
          ExecEvent.getDefaultInstance());
  static final MethodDescriptor<SuspendSandboxRequest, Sandbox> SUSPEND =
      method(
          "bastion.v1.Sandboxes/Suspend",
          MethodDescriptor.MethodType.UNARY,
          SuspendSandboxRequest.getDefaultInstance(),
          Sandbox.getDefaultInstance());
  static final MethodDescriptor<ResumeSandboxRequest, Sandbox> RESUME =
      method(
          "bastion.v1.Sandboxes/Resume",
          MethodDescriptor.MethodType.UNARY,
          ResumeSandboxRequest.getDefaultInstance(),
          Sandbox.getDefaultInstance());
  static final MethodDescriptor<
          dev.bastion.api.v1.SnapshotRequest, dev.bastion.api.v1.SandboxSnapshot>
      SNAPSHOT =
          method(
              "bastion.v1.Sandboxes/Snapshot",
              MethodDescriptor.MethodType.UNARY,
              dev.bastion.api.v1.SnapshotRequest.getDefaultInstance(),
              dev.bastion.api.v1.SandboxSnapshot.getDefaultInstance());
  static final MethodDescriptor<
          dev.bastion.api.v1.ListSnapshotsRequest, dev.bastion.api.v1.ListSnapshotsResponse>
      LIST_SNAPSHOTS =
          method(
              "bastion.v1.Sandboxes/ListSnapshots",
              MethodDescriptor.MethodType.UNARY,
              dev.bastion.api.v1.ListSnapshotsRequest.getDefaultInstance(),
              dev.bastion.api.v1.ListSnapshotsResponse.getDefaultInstance());
  static final MethodDescriptor<
          dev.bastion.api.v1.DeleteSnapshotRequest, dev.bastion.api.v1.DeleteSnapshotResponse>
      DELETE_SNAPSHOT =
          method(
              "bastion.v1.Sandboxes/DeleteSnapshot",
              MethodDescriptor.MethodType.UNARY,
              dev.bastion.api.v1.DeleteSnapshotRequest.getDefaultInstance(),
              dev.bastion.api.v1.DeleteSnapshotResponse.getDefaultInstance());
  static final MethodDescriptor<ConnectRequest, ExecEvent> CONNECT =
      method(
          "bastion.v1.Processes/Connect",
          MethodDescriptor.MethodType.SERVER_STREAMING,
          ConnectRequest.getDefaultInstance(),
          ExecEvent.getDefaultInstance());
  static final MethodDescriptor<ListProcessesRequest, ListProcessesResponse> LIST_PROCESSES =
      method(
          "bastion.v1.Processes/List",
          MethodDescriptor.MethodType.UNARY,
          ListProcessesRequest.getDefaultInstance(),
          ListProcessesResponse.getDefaultInstance());
  static final MethodDescriptor<SignalRequest, SignalResponse> SIGNAL =
      method(
          "bastion.v1.Processes/Signal",
          MethodDescriptor.MethodType.UNARY,
          SignalRequest.getDefaultInstance(),
          SignalResponse.getDefaultInstance());
  static final MethodDescriptor<WatchFilesRequest, FileEvent> WATCH =
      method(
          "bastion.v1.Files/Watch",
          MethodDescriptor.MethodType.SERVER_STREAMING,
          WatchFilesRequest.getDefaultInstance(),
          FileEvent.getDefaultInstance());
  static final MethodDescriptor<ReadFileRequest, FileChunk> READ =
      method(
          "bastion.v1.Files/Read",
          MethodDescriptor.MethodType.SERVER_STREAMING,
          ReadFileRequest.getDefaultInstance(),
          FileChunk.getDefaultInstance());
  static final MethodDescriptor<WriteFileRequest, FileInfo> WRITE =
      method(
          "bastion.v1.Files/Write",
          MethodDescriptor.MethodType.CLIENT_STREAMING,
          WriteFileRequest.getDefaultInstance(),
          FileInfo.getDefaultInstance());
  static final MethodDescriptor<ListFilesRequest, ListFilesResponse> LIST_FILES =
      method(
          "bastion.v1.Files/List",
          MethodDescriptor.MethodType.UNARY,
          ListFilesRequest.getDefaultInstance(),
          ListFilesResponse.getDefaultInstance());
  static final MethodDescriptor<RemoveFileRequest, RemoveFileResponse> REMOVE =
      method(
          "bastion.v1.Files/Remove",
          MethodDescriptor.MethodType.UNARY,
          RemoveFileRequest.getDefaultInstance(),
          RemoveFileResponse.getDefaultInstance());
  static final MethodDescriptor<StatFileRequest, FileInfo> STAT =
      method(
          "bastion.v1.Files/Stat",
          MethodDescriptor.MethodType.UNARY,
          StatFileRequest.getDefaultInstance(),
          FileInfo.getDefaultInstance());
  static final MethodDescriptor<MakeDirRequest, FileInfo> MAKE_DIR =
      method(
          "bastion.v1.Files/MakeDir",
          MethodDescriptor.MethodType.UNARY,
          MakeDirRequest.getDefaultInstance(),
          FileInfo.getDefaultInstance());
  static final MethodDescriptor<MoveFileRequest, FileInfo> MOVE =
      method(
          "bastion.v1.Files/Move",
          MethodDescriptor.MethodType.UNARY,
          MoveFileRequest.getDefaultInstance(),
          FileInfo.getDefaultInstance());

  private final ManagedChannel channel;

  Api(int port) {
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", port)
            .usePlaintext()
            .maxInboundMessageSize(16 << 20)
            .build();
  }

  /** The channel as {@code token}'s bearer (null: no credentials at all). */
  Channel as(String token) {
    if (token == null) {
      return channel;
    }
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return ClientInterceptors.intercept(
        channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  static CallOptions deadline(int seconds) {
    return CallOptions.DEFAULT.withDeadlineAfter(seconds, TimeUnit.SECONDS);
  }

  /** Deletes every sandbox each of {@code tenants} holds: a test's teardown. */
  static void deleteAllSandboxes(List<Channel> tenants) {
    for (Channel tenant : tenants) {
      for (Sandbox sandbox :
          call(tenant, LIST, ListSandboxesRequest.getDefaultInstance()).getSandboxesList()) {
        call(
            tenant,
            DELETE,
            DeleteSandboxRequest.newBuilder().setSandboxId(sandbox.getId()).build());
      }
    }
  }

  static <Req, Resp> Resp call(Channel channel, MethodDescriptor<Req, Resp> method, Req request) {
    return ClientCalls.blockingUnaryCall(channel, method, deadline(120), request);
  }

  /** Creates a sandbox from {@code template} as {@code as}; returns when it is ready. */
  static Sandbox create(Channel as, String template) {
    return call(as, CREATE, CreateSandboxRequest.newBuilder().setTemplate(template).build());
  }

  /** Runs {@code argv} in {@code sandbox} as {@code as}. */
  static RunResult run(Channel as, String sandbox, String... argv) {
    return call(
        as, RUN, RunRequest.newBuilder().setSandboxId(sandbox).addAllArgv(List.of(argv)).build());
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }

  private static MethodDescriptor<dev.bastion.api.v1.ContextRequest, dev.bastion.api.v1.CodeContext>
      contextCall(String name) {
    return method(
        "bastion.v1.Contexts/" + name,
        MethodDescriptor.MethodType.UNARY,
        dev.bastion.api.v1.ContextRequest.getDefaultInstance(),
        dev.bastion.api.v1.CodeContext.getDefaultInstance());
  }

  private static <Req extends Message, Resp extends Message> MethodDescriptor<Req, Resp> method(
      String name, MethodDescriptor.MethodType type, Req request, Resp response) {
    return MethodDescriptor.<Req, Resp>newBuilder()
        .setFullMethodName(name)
        .setType(type)
        .setRequestMarshaller(ProtoUtils.marshaller(request))
        .setResponseMarshaller(ProtoUtils.marshaller(response))
        .build();
  }
}
