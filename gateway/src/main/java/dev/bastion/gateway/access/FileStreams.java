package dev.bastion.gateway.access;

import com.google.protobuf.ByteString;
import dev.bastion.api.v1.FileChunk;
import dev.bastion.api.v1.FileInfo;
import dev.bastion.api.v1.ReadFileRequest;
import dev.bastion.api.v1.WriteFileHeader;
import dev.bastion.api.v1.WriteFileRequest;
import dev.bastion.gateway.auth.Tenant;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;

/**
 * File content streamed between a caller's byte stream (an HTTP body) and sandboxd, without holding
 * the file in memory: the counterpart of {@link CollectedCall} for callers that are not gRPC
 * streams but move whole files. Each call takes the route its Files method takes — same owner
 * check, policy, maxFileBytes and audit — and flow control holds end to end: a slow reader pauses
 * sandboxd, a slow sandboxd pauses the uploader. Call these on an event loop; each future fails
 * with a {@link StatusException} or a {@link dev.bastion.controller.sandbox.SandboxError}.
 */
public final class FileStreams {

  private final SandboxdAccess access;

  public FileStreams(SandboxdAccess access) {
    this.access = access;
  }

  /**
   * Streams the file {@code request} names into {@code out}, decided as {@code tool}. {@code
   * beforeFirstByte} runs once sandboxd has started to answer with content (or ended an empty file
   * well), so the caller can still answer an error in its own terms until then. The future
   * completes when everything is written (the caller ends {@code out}); failing after {@code
   * beforeFirstByte} ran, it leaves {@code out} cut short and the caller should abort it.
   */
  public Future<Void> read(
      Tenant tenant,
      String tool,
      ReadFileRequest request,
      WriteStream<Buffer> out,
      Runnable beforeFirstByte) {
    SandboxCall<ReadFileRequest, FileChunk> call;
    try {
      call = access.open(tenant, FileRoutes.read(tool), request);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Download download = new Download(call, out, beforeFirstByte);
    call.connect().onComplete(download::onConnected);
    return download.result.future().andThen(done -> call.close());
  }

  /**
   * Writes {@code content} to the file {@code header} names, decided as {@code tool}; completes
   * with the file's info once sandboxd has put it in place (atomically: a failed upload leaves
   * nothing behind). {@code content} is paused until the call is admitted and connected.
   */
  public Future<FileInfo> write(
      Tenant tenant, String tool, WriteFileHeader header, ReadStream<Buffer> content) {
    content.pause();
    SandboxCall<WriteFileRequest, FileInfo> call;
    try {
      call =
          access.open(
              tenant,
              FileRoutes.write(tool),
              WriteFileRequest.newBuilder().setHeader(header).build());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Upload upload = new Upload(call, content);
    call.connect().onComplete(upload::onConnected);
    return upload.result.future().andThen(done -> call.close());
  }

  /** What both directions share: the admitted call, its stream, and how it ends. */
  private abstract class Transfer<Req, Resp, T> {

    final SandboxCall<Req, Resp> call;
    final Promise<T> result = Promise.promise();
    GrpcClientRequest<Req, Resp> outbound;

    Transfer(SandboxCall<Req, Resp> call) {
      this.call = call;
    }

    void onConnected(io.vertx.core.AsyncResult<GrpcClientRequest<Req, Resp>> connected) {
      if (connected.failed()) {
        onSandboxLost();
        return;
      }
      outbound = connected.result();
      outbound.exceptionHandler(ignored -> onSandboxLost());
      outbound
          .response()
          .onComplete(
              answered -> {
                if (answered.failed()) {
                  onSandboxLost();
                  return;
                }
                GrpcClientResponse<Req, Resp> response = answered.result();
                response.exceptionHandler(ignored -> onSandboxLost());
                onResponse(response);
              });
      start();
    }

    /** Sends the request side once connected. */
    abstract void start();

    /** Reads sandboxd's answer. */
    abstract void onResponse(GrpcClientResponse<Req, Resp> response);

    /** sandboxd's status at the end of a call that did not complete otherwise. */
    void failWith(GrpcClientResponse<Req, Resp> response) {
      fail(call.sandboxdStatus(response));
    }

    void onSandboxLost() {
      if (result.future().isComplete()) {
        return;
      }
      call.lastWords()
          .onComplete(
              verdict ->
                  fail(
                      verdict.failed()
                          ? verdict.cause()
                          : new StatusException(GrpcStatus.UNAVAILABLE, "the sandbox stopped")));
    }

    /** Ends the call with {@code failure}, and stops the sandbox's side of it. */
    void fail(Throwable failure) {
      if (result.tryFail(failure) && outbound != null) {
        outbound.cancel();
      }
    }
  }

  private final class Download extends Transfer<ReadFileRequest, FileChunk, Void> {

    private final WriteStream<Buffer> out;
    private final Runnable beforeFirstByte;
    private boolean started;

    Download(
        SandboxCall<ReadFileRequest, FileChunk> call,
        WriteStream<Buffer> out,
        Runnable beforeFirstByte) {
      super(call);
      this.out = out;
      this.beforeFirstByte = beforeFirstByte;
      // The reader went away (a closed connection): stop sandboxd reading for nobody.
      out.exceptionHandler(this::fail);
    }

    @Override
    void start() {
      outbound.end(call.first());
    }

    @Override
    void onResponse(GrpcClientResponse<ReadFileRequest, FileChunk> response) {
      response.handler(
          chunk -> {
            if (result.future().isComplete()) {
              return;
            }
            try {
              call.onResponse(chunk);
            } catch (RuntimeException e) {
              fail(e);
              return;
            }
            begin();
            out.write(Buffer.buffer(chunk.getData().toByteArray()));
            if (out.writeQueueFull()) {
              response.pause();
              out.drainHandler(ignored -> response.resume());
            }
          });
      response.endHandler(
          ignored -> {
            if (response.status() == GrpcStatus.OK) {
              begin();
              result.tryComplete();
            } else {
              failWith(response);
            }
          });
    }

    private void begin() {
      if (!started) {
        started = true;
        beforeFirstByte.run();
      }
    }
  }

  private final class Upload extends Transfer<WriteFileRequest, FileInfo, FileInfo> {

    private final ReadStream<Buffer> content;
    private FileInfo written;

    Upload(SandboxCall<WriteFileRequest, FileInfo> call, ReadStream<Buffer> content) {
      super(call);
      this.content = content;
    }

    @Override
    void start() {
      if (result.future().isComplete()) {
        return;
      }
      outbound.write(call.first());
      content.handler(this::onContent);
      content.endHandler(
          ignored -> {
            if (!result.future().isComplete()) {
              outbound.end();
            }
          });
      // The uploader went away mid-file: sandboxd drops the partial file when the call is
      // cancelled.
      content.exceptionHandler(this::fail);
      content.resume();
    }

    private void onContent(Buffer chunk) {
      if (result.future().isComplete()) {
        return;
      }
      WriteFileRequest message =
          WriteFileRequest.newBuilder().setData(ByteString.copyFrom(chunk.getBytes())).build();
      try {
        call.onRequest(message);
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
      outbound.write(message);
      if (outbound.writeQueueFull()) {
        content.pause();
        outbound.drainHandler(ignored -> content.resume());
      }
    }

    @Override
    void onResponse(GrpcClientResponse<WriteFileRequest, FileInfo> response) {
      response.handler(info -> written = info);
      response.endHandler(
          ignored -> {
            if (response.status() == GrpcStatus.OK && written != null) {
              result.tryComplete(written);
            } else {
              failWith(response);
            }
          });
    }
  }
}
