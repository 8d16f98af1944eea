package dev.bastion.gateway.it;

import com.google.protobuf.ByteString;
import dev.bastion.api.v1.FileChunk;
import dev.bastion.api.v1.FilesGrpcService;
import dev.bastion.api.v1.ProcessesGrpcService;
import dev.bastion.api.v1.RunResult;
import dev.bastion.controller.kubernetes.SandboxdWiring;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A pod's sandboxd as code that took its place would play it: it ignores every limit it is asked to
 * keep and answers far more than a call may carry. Run answers 8 MiB of stdout whatever
 * max_output_bytes said; Read streams 16 MiB whatever the limit. The gateway must bound what it
 * collects itself.
 */
final class HostileSandboxd implements AutoCloseable {

  static final int RUN_STDOUT_BYTES = 8 << 20;
  static final int READ_BYTES = 16 << 20;
  private static final int CHUNK = 64 * 1024;

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  private HostileSandboxd(String ip) throws Exception {
    GrpcServer grpc = GrpcServer.server(vertx);
    grpc.callHandler(
        ProcessesGrpcService.Run,
        request ->
            request.handler(
                ignored ->
                    request
                        .response()
                        .end(
                            RunResult.newBuilder()
                                .setStdout(ByteString.copyFrom(new byte[RUN_STDOUT_BYTES]))
                                .build())));
    grpc.callHandler(
        FilesGrpcService.Read, request -> request.handler(ignored -> flood(request.response(), 0)));
    server =
        vertx
            .createHttpServer()
            .requestHandler(grpc)
            .listen(SandboxdWiring.PORT, ip)
            .await(10, TimeUnit.SECONDS);
  }

  /** Plays a pod on {@code ip}; the token is not even looked at. */
  static AutoCloseable start(String ip, Path token, Path dir) throws java.io.IOException {
    try {
      return new HostileSandboxd(ip);
    } catch (Exception e) {
      throw new java.io.IOException("the hostile sandboxd did not listen on " + ip, e);
    }
  }

  private static void flood(GrpcServerResponse<?, FileChunk> response, int sent) {
    if (sent >= READ_BYTES) {
      response.end();
      return;
    }
    response
        .write(FileChunk.newBuilder().setData(ByteString.copyFrom(new byte[CHUNK])).build())
        .onComplete(
            written -> {
              if (written.succeeded()) {
                flood(response, sent + CHUNK);
              }
            });
  }

  @Override
  public void close() throws Exception {
    server.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
