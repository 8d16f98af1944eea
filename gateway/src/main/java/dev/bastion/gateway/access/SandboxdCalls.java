package dev.bastion.gateway.access;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import dev.bastion.api.v1.CodeContext;
import dev.bastion.api.v1.CodeEvent;
import dev.bastion.api.v1.ContextRequest;
import dev.bastion.api.v1.CreateContextRequest;
import dev.bastion.api.v1.DeleteContextResponse;
import dev.bastion.api.v1.FileChunk;
import dev.bastion.api.v1.FileInfo;
import dev.bastion.api.v1.ListContextsRequest;
import dev.bastion.api.v1.ListContextsResponse;
import dev.bastion.api.v1.ListFilesRequest;
import dev.bastion.api.v1.ListFilesResponse;
import dev.bastion.api.v1.ReadFileRequest;
import dev.bastion.api.v1.RunCodeRequest;
import dev.bastion.api.v1.RunRequest;
import dev.bastion.api.v1.RunResult;
import dev.bastion.api.v1.WriteFileHeader;
import dev.bastion.api.v1.WriteFileRequest;
import dev.bastion.gateway.auth.Tenant;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Processes, Files and Contexts calls into a caller's sandbox that the gateway makes on an agent's
 * behalf (the MCP tools, the console), each decided as the tool the caller names and otherwise
 * taking the same route as the gRPC method it resembles: same owner check, policy, limits and
 * audit. Call these on an event loop; each future fails with a {@link
 * io.vertx.grpc.server.StatusException} or a {@link dev.bastion.controller.sandbox.SandboxError}.
 */
public final class SandboxdCalls {

  /** File content goes to sandboxd in messages of this size, as a streaming client would. */
  private static final int WRITE_CHUNK = 64 * 1024;

  /**
   * What the gateway collects of an answer whose request sets no bound of its own (a Read of a
   * whole file, a listing): as much as one gRPC message may carry.
   */
  static final long UNBOUNDED_ANSWER_BYTES = 4L << 20;

  private final SandboxdAccess access;

  public SandboxdCalls(SandboxdAccess access) {
    this.access = access;
  }

  /**
   * Runs a process as {@code Processes.Run} does.
   *
   * @param defaultTimeoutSeconds the timeout when the request asks for none (lowered to a policy's
   *     maxExecSeconds)
   */
  public Future<RunResult> run(
      Tenant tenant, String tool, RunRequest request, long defaultTimeoutSeconds) {
    // Each of stdout and stderr may carry max_output_bytes.
    long output =
        request.getMaxOutputBytes() > 0 ? 2 * request.getMaxOutputBytes() : UNBOUNDED_ANSWER_BYTES;
    return CollectedCall.make(
            access,
            tenant,
            ProcessRoutes.run(tool, defaultTimeoutSeconds),
            List.of(request),
            AnswerBound.unary(output))
        .map(SandboxdCalls::single);
  }

  /** The bytes {@code Files.Read} streams, joined. */
  public Future<ByteString> read(Tenant tenant, String tool, ReadFileRequest request) {
    long bytes = request.getLimit() > 0 ? request.getLimit() : UNBOUNDED_ANSWER_BYTES;
    return CollectedCall.make(
            access, tenant, FileRoutes.read(tool), List.of(request), AnswerBound.stream(bytes))
        .map(chunks -> ByteString.copyFrom(chunks.stream().map(FileChunk::getData).toList()));
  }

  /**
   * Writes {@code content} to the file {@code header} names, atomically, as {@code Files.Write}.
   */
  public Future<FileInfo> write(
      Tenant tenant, String tool, WriteFileHeader header, ByteString content) {
    List<WriteFileRequest> messages = new ArrayList<>();
    messages.add(WriteFileRequest.newBuilder().setHeader(header).build());
    for (int at = 0; at < content.size(); at += WRITE_CHUNK) {
      messages.add(
          WriteFileRequest.newBuilder()
              .setData(content.substring(at, Math.min(content.size(), at + WRITE_CHUNK)))
              .build());
    }
    return CollectedCall.make(
            access, tenant, FileRoutes.write(tool), messages, AnswerBound.unary(0))
        .map(SandboxdCalls::single);
  }

  /** Lists a directory as {@code Files.List} does. */
  public Future<ListFilesResponse> list(Tenant tenant, String tool, ListFilesRequest request) {
    return unary(tenant, FileRoutes.list(tool), request, UNBOUNDED_ANSWER_BYTES);
  }

  /**
   * Runs a cell as {@code Contexts.RunCode} does and collects its events, {@code done} last.
   *
   * @param defaultTimeoutSeconds the timeout when the request asks for none (lowered to a policy's
   *     maxExecSeconds)
   */
  public Future<List<CodeEvent>> runCode(
      Tenant tenant, String tool, RunCodeRequest request, long defaultTimeoutSeconds) {
    return CollectedCall.make(
        access,
        tenant,
        ContextRoutes.runCode(tool, defaultTimeoutSeconds),
        List.of(request),
        AnswerBound.stream(UNBOUNDED_ANSWER_BYTES));
  }

  /** Makes a code context as {@code Contexts.Create} does. */
  public Future<CodeContext> createContext(
      Tenant tenant, String tool, CreateContextRequest request) {
    return unary(tenant, ContextRoutes.create(tool), request, 0);
  }

  /** Restarts a code context as {@code Contexts.Restart} does. */
  public Future<CodeContext> restartContext(Tenant tenant, String tool, ContextRequest request) {
    return unary(tenant, ContextRoutes.restart(tool), request, 0);
  }

  /** Interrupts a context's running cell as {@code Contexts.Interrupt} does. */
  public Future<CodeContext> interruptContext(Tenant tenant, ContextRequest request) {
    return unary(tenant, ContextRoutes.interrupt(), request, 0);
  }

  /** Deletes a code context as {@code Contexts.Delete} does. */
  public Future<DeleteContextResponse> deleteContext(Tenant tenant, ContextRequest request) {
    return unary(tenant, ContextRoutes.delete(), request, 0);
  }

  /** Lists a sandbox's code contexts as {@code Contexts.List} does. */
  public Future<ListContextsResponse> listContexts(Tenant tenant, ListContextsRequest request) {
    return unary(tenant, ContextRoutes.list(), request, UNBOUNDED_ANSWER_BYTES);
  }

  private <Req, Resp extends MessageLite> Future<Resp> unary(
      Tenant tenant, Route<Req, Resp> route, Req request, long answerBytes) {
    return CollectedCall.make(
            access, tenant, route, List.of(request), AnswerBound.unary(answerBytes))
        .map(SandboxdCalls::single);
  }

  /** The one answer of a call with a single response message. */
  private static <T> T single(List<T> answers) {
    if (answers.size() != 1) {
      throw new IllegalStateException(
          "sandboxd answered a unary call with " + answers.size() + " messages");
    }
    return answers.get(0);
  }
}
