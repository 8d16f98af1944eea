package dev.bastion.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.bastion.api.v1.FileChunk;
import dev.bastion.api.v1.FilesGrpcClient;
import dev.bastion.api.v1.FilesGrpcService;
import dev.bastion.api.v1.ReadFileRequest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Over a real loopback socket: an error a server sends after a message travels in the trailers, and
 * its message must still reach whoever relays it (Vert.x 5.0's own accessor reads headers).
 */
class StatusMessagesIT {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void anErrorAfterAMessageKeepsItsMessage() throws Exception {
    assertThat(call(true)).isEqualTo("NOT_FOUND: gone midway é");
  }

  @Test
  void anErrorBeforeAnyMessageKeepsItsMessage() throws Exception {
    assertThat(call(false)).isEqualTo("NOT_FOUND: gone midway é");
  }

  /** What a client sees of a Read that the server ends with NOT_FOUND, after a chunk or not. */
  private String call(boolean chunkFirst) throws Exception {
    GrpcServer grpc = GrpcServer.server(vertx);
    grpc.callHandler(
        FilesGrpcService.Read,
        request ->
            request.handler(
                ignored -> {
                  if (chunkFirst) {
                    request
                        .response()
                        .write(
                            FileChunk.newBuilder().setData(ByteString.copyFromUtf8("x")).build());
                  }
                  request
                      .response()
                      .status(GrpcStatus.NOT_FOUND)
                      .statusMessage("gone midway é")
                      .end();
                }));
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(grpc)
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    GrpcClient client =
        GrpcClient.client(
            vertx,
            new GrpcClientOptions(),
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
    try {
      return client
          .request(
              SocketAddress.inetSocketAddress(server.actualPort(), "127.0.0.1"),
              FilesGrpcClient.Read)
          .compose(
              request -> {
                request.end(ReadFileRequest.newBuilder().setPath("a").build());
                return request.response();
              })
          .compose(
              response ->
                  response
                      .end()
                      .transform(
                          ended ->
                              io.vertx.core.Future.succeededFuture(
                                  response.status().name() + ": " + StatusMessages.of(response))))
          .await(10, TimeUnit.SECONDS);
    } finally {
      client.close();
      server.close();
    }
  }
}
